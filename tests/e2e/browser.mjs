// Headless Debian chromium driven by playwright-core, kept on loopback.
// Reusable: import { launchBrowser } from "./browser.mjs" (the proof tier uses it too, with a
// test host name).
import { createRequire } from "node:module";

// playwright-core comes from the shared deps (tests/e2e/deps/v5, installed by setup.sh).
const require = createRequire(new URL("./deps/v5/package.json", import.meta.url));
const { chromium } = require("playwright-core");
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Chromium's flags; `testHosts` are extra names that resolve to 127.0.0.1 inside Chromium only. */
export function chromiumFlags(testHosts = []) {
  const maps = testHosts.map((h) => `MAP ${h} 127.0.0.1, `).join("");
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // Every name resolves nowhere except the loopback ones (and the test hosts).
    `--host-resolver-rules=MAP localhost 127.0.0.1, ${maps}MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`,
  ];
}

export const CHROMIUM_FLAGS = chromiumFlags();

/**
 * Launch chromium with a fresh profile. Returns { context, blocked, close }: a browser context
 * whose requests to any host but loopback and `testHosts` are aborted (and recorded in `blocked`).
 */
export async function launchBrowser({ executablePath = process.env.CHROMIUM || "/usr/bin/chromium", testHosts = [] } = {}) {
  const allowed = new Set([...LOOPBACK, ...testHosts]);
  const userDataDir = mkdtempSync(join(tmpdir(), "authfix-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: chromiumFlags(testHosts),
  });
  const blocked = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || allowed.has(url.hostname)) return route.continue();
    blocked.push(url.href);
    return route.abort("blockedbyclient");
  });
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, blocked, close };
}
