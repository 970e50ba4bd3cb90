// ESLint (flat config): the recommended JavaScript and TypeScript rules over the code, tests and
// benchmarks. `npm run lint` runs it with Prettier's check and knip; `.ci/run` runs `npm run lint`.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "models/", "test-results/", "bench/results/", ".langgraph_api/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: { ...globals.node } },
    rules: {
      // A leading underscore marks a parameter or binding kept on purpose (an interface's
      // signature, a field left out of an object with rest).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // `ok && step()` and `cond ? a() : b()` as statements are how this code runs optional steps.
      "@typescript-eslint/no-unused-expressions": ["error", { allowShortCircuit: true, allowTernary: true }],
      // Prettier lays code out within 120 columns; comments are held to the same, and a message
      // or prompt text is one literal that can be searched for, so literals may run longer.
      "max-len": [
        "error",
        { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true },
      ],
    },
  },
  {
    // The memory inspector's page script runs in the browser.
    files: ["src/ui/static/**"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Tests read replies of unknown shape (JSON over HTTP, mocks): `any` is allowed there.
    files: ["test/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
