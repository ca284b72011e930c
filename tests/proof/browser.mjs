// The shared browser harness (tests/e2e/browser.mjs) with one extra name: `myapp.test` resolves to
// 127.0.0.1 inside Chromium only, so an app can be browsed as a plain-HTTP, non-loopback host
// (Chromium treats localhost and 127.0.0.1 as secure origins, which hides Secure-cookie bugs).
import { launchBrowser as launch } from "../e2e/browser.mjs";

export const TEST_HOST = "myapp.test";

/** Launch chromium with a fresh profile; requests to any other host are aborted (and listed). */
export function launchBrowser(options = {}) {
  return launch({ ...options, testHosts: [TEST_HOST] });
}
