/**
 * A real browser for the inspector tests: Debian's Chromium driven by playwright-core (the browser
 * downloads of `playwright install` do not reach every network; .ci/run installs Chromium with
 * apt-get). CHROMIUM_PATH names another binary.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  return `no Chromium at ${CHROMIUM_PATH} (install it with "apt-get install -y chromium", as .ci/run does, or set CHROMIUM_PATH)`;
}

export function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}
