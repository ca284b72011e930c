// The browser sign-in check, reusable against any app that follows authfix's conventions:
//   - /dashboard is protected and shows the server session's email in [data-testid=server-email]
//     and the useSession() one in [data-testid=client-email];
//   - a credentials provider with `email` and `password` fields signs in the demo user;
//   - a button named "Sign out" on /dashboard ends the session.
//
// As a library:  import { signInCheck } from "./signin-check.mjs";
//                const results = await signInCheck({ baseUrl, email, password });
// As a command:  node tests/e2e/signin-check.mjs --base-url http://localhost:3000 \
//                     --email demo@example.com --password secret
// Prints one line per step ("ok - ..." / "not ok - ..."); exit 0 when every step passed.
import { launchBrowser } from "./browser.mjs";

const TIMEOUT = 20_000;

export async function signInCheck({ baseUrl, email, password, log = console.log }) {
  const base = baseUrl.replace(/\/$/, "");
  const results = [];
  const step = async (name, fn) => {
    const t0 = Date.now();
    try {
      await fn();
      results.push({ name, ok: true });
      log(`ok - ${name} (${Date.now() - t0} ms)`);
      return true;
    } catch (e) {
      results.push({ name, ok: false, error: String(e?.message ?? e) });
      log(`not ok - ${name}: ${String(e?.message ?? e).split("\n")[0]}`);
      return false;
    }
  };
  const { context, blocked, close } = await launchBrowser();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const serverEmail = page.locator('[data-testid="server-email"]');
  const clientEmail = page.locator('[data-testid="client-email"]');
  const expectText = async (locator, text, what) => {
    await locator.first().waitFor({ state: "visible" });
    const got = (await locator.first().textContent())?.trim();
    if (got !== text) throw new Error(`${what}: expected "${text}", got "${got}"`);
  };
  const expectSignInPage = async () => {
    const url = new URL(page.url());
    if (!url.pathname.startsWith("/api/auth/signin") && !url.pathname.startsWith("/signin") && !url.pathname.startsWith("/login")) {
      throw new Error(`expected the sign-in page, got ${page.url()}`);
    }
    await page.locator('input[name="password"]').waitFor({ state: "visible" });
  };

  try {
    const signedOut = await step("signed-out /dashboard redirects to sign-in", async () => {
      const res = await page.goto(`${base}/dashboard`, { waitUntil: "load" });
      if (!res || res.status() >= 400) throw new Error(`HTTP ${res?.status()} at ${page.url()}`);
      await expectSignInPage();
    });
    if (!signedOut) return results;

    const signedIn = await step("demo-user sign-in shows the email on /dashboard", async () => {
      const form = page.locator('form:has(input[name="password"])');
      await form.locator('input[name="email"]').fill(email);
      await form.locator('input[name="password"]').fill(password);
      // Wait for /dashboard, or for the sign-in page coming back with ?error=… (fail fast).
      await Promise.all([
        page.waitForURL((u) => {
          const url = new URL(u);
          return url.pathname === "/dashboard" || url.searchParams.has("error");
        }, { timeout: TIMEOUT }),
        form.locator('button[type="submit"], button:not([type])').first().click(),
      ]);
      const error = new URL(page.url()).searchParams.get("error");
      if (error) throw new Error(`sign-in failed: error=${error} at ${page.url()}`);
      await expectText(serverEmail, email, "server component");
      await expectText(clientEmail, email, "useSession() component");
    });
    if (!signedIn) return results;

    await step("after a reload the server page and useSession() still show the session", async () => {
      await page.reload({ waitUntil: "load" });
      if (new URL(page.url()).pathname !== "/dashboard") throw new Error(`reload landed on ${page.url()}`);
      await expectText(serverEmail, email, "server component");
      await expectText(clientEmail, email, "useSession() component");
    });

    await step("sign-out ends the session", async () => {
      await page.getByRole("button", { name: "Sign out" }).click();
      // Either lands on a page away from /dashboard or on a sign-out confirmation.
      await page.waitForURL((u) => new URL(u).pathname !== "/dashboard", { timeout: TIMEOUT });
      const confirm = page.locator('form[action$="/api/auth/signout"] button');
      if (new URL(page.url()).pathname.startsWith("/api/auth/signout") && (await confirm.count())) {
        await Promise.all([page.waitForURL((u) => !new URL(u).pathname.startsWith("/api/auth/signout")), confirm.first().click()]);
      }
      const session = await page.evaluate(async () => (await fetch("/api/auth/session")).json());
      if (session && session.user) throw new Error(`session still active: ${JSON.stringify(session)}`);
      await page.goto(`${base}/dashboard`, { waitUntil: "load" });
      await expectSignInPage();
    });
  } finally {
    if (blocked.length) log(`# blocked non-loopback requests: ${[...new Set(blocked)].join(", ")}`);
    await close();
  }
  return results;
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    out[key] = argv[i + 1];
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs(process.argv.slice(2));
  if (!args.baseUrl || !args.email || !args.password) {
    console.error("usage: signin-check.mjs --base-url URL --email EMAIL --password PASSWORD");
    process.exit(2);
  }
  const results = await signInCheck(args);
  const failed = results.filter((r) => !r.ok).length;
  process.exit(failed || results.length < 4 ? 1 : 0);
}
