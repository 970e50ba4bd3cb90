/**
 * The one rule for a user id a caller names while signed in as someone: absent or the same is
 * fine, anything else is refused. Used by the auth handler (runs), the graph (defence in depth)
 * and the memory routes.
 */
export const OTHER_USER_MESSAGE =
  "This names another user; a signed-in caller may only use their own memory (leave the user id out to use yours).";

export function namesOtherUser(claimed: unknown, identity: string): boolean {
  return claimed !== undefined && claimed !== null && claimed !== "" && claimed !== identity;
}
