// Headless Debian chromium driven by playwright-core, kept on loopback — the proof tier's copy
// of tests/e2e/browser.mjs, plus one extra name: `myapp.test` resolves to 127.0.0.1 inside
// Chromium only, so an app can be browsed as a plain-HTTP, non-loopback host (Chromium treats
// localhost and 127.0.0.1 as secure origins, which hides Secure-cookie bugs).
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// playwright-core comes from the shared deps (tests/e2e/deps/v5, installed by tests/e2e/setup.sh).
const require = createRequire(new URL("../e2e/deps/v5/package.json", import.meta.url));
const { chromium } = require("playwright-core");

export const TEST_HOST = "myapp.test";
const ALLOWED = new Set(["localhost", "127.0.0.1", "[::1]", TEST_HOST]);

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Every name resolves nowhere except the loopback ones and the test host.
  `--host-resolver-rules=MAP localhost 127.0.0.1, MAP ${TEST_HOST} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`,
];

/** Launch chromium with a fresh profile; requests to any other host are aborted (and listed). */
export async function launchBrowser({ executablePath = process.env.CHROMIUM || "/usr/bin/chromium" } = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), "authfix-proof-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  const blocked = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || ALLOWED.has(url.hostname)) return route.continue();
    blocked.push(url.href);
    return route.abort("blockedbyclient");
  });
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, blocked, close };
}
