import { profileText } from "../memory/profile/render.js";
import { command, type MemoriesCommand } from "./memories-commands.js";
import { NoProfileStoreError } from "../memory/profile/errors.js";

/** `profile`: the user model's profile and interest trend (see README, "The user model"). */
export const PROFILE_COMMANDS: Record<string, MemoriesCommand> = {
  profile: command("profile", {
    summary: "The user's profile (identity, preferences, constraints, focus) and interests over time.",
    async run({ engine, userId }) {
      const opened = await engine();
      if (!opened.profiles) throw new NoProfileStoreError();
      const view = await opened.profiles.read(userId);
      return { data: view, text: profileText(view) };
    },
  }),
};
