/**
 * What the dev server puts on the Hono context before our routes run. With custom auth
 * (`auth.path` in langgraph.json) its middleware sets `auth` to the authenticated user.
 */
export interface AuthenticatedUser {
  identity?: string;
  is_authenticated?: boolean;
  kind?: string;
}

export interface ServerEnv {
  Variables: {
    auth?: { user?: AuthenticatedUser; scopes?: string[] };
  };
}
