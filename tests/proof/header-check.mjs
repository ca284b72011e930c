// The proof tier's check for U004: does a server-rendered header follow a sign-in done on the
// client (`signIn(…, { redirect: false })` then `router.push`), without a reload?
//   1. signed out, `/` shows "Signed out" in the root layout's header;
//   2. a client-side link to /login, the demo user signs in through the app's own form, and the
//      app navigates to /dashboard, whose server page shows the email (the sign-in worked);
//   3. the header — rendered by the root layout, which a soft navigation keeps — shows the email,
//      with no reload.
// Prints "ok - STEP" / "not ok - STEP: what happened"; exit 0 only when every step passed.
//   node tests/proof/header-check.mjs --base-url http://localhost:3000 --email E --password P
import { launchBrowser } from "./browser.mjs";

const TIMEOUT = 15_000;
const args = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = argv[i + 1];
if (!args.baseUrl || !args.email || !args.password) {
  console.error("usage: header-check.mjs --base-url URL --email EMAIL --password PASSWORD");
  process.exit(2);
}
const base = args.baseUrl.replace(/\/$/, "");
let failed = 0;
const step = async (name, fn) => {
  try {
    await fn();
    console.log(`ok - ${name}`);
    return true;
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}: ${String(e?.message ?? e).split("\n")[0]}`);
    return false;
  }
};

const { context, blocked, close } = await launchBrowser();
const page = await context.newPage();
page.setDefaultTimeout(TIMEOUT);
const header = () => page.locator('[data-testid="header-user"]').first();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

try {
  const ok1 = await step("signed out, the header shows \"Signed out\"", async () => {
    await page.goto(`${base}/`, { waitUntil: "load" });
    const t = ((await header().textContent()) ?? "").trim();
    if (t !== "Signed out") throw new Error(`header-user: expected "Signed out", got "${t}"`);
  });
  const ok2 =
    ok1 &&
    (await step("the demo user signs in on /login and lands on /dashboard", async () => {
      await page.locator('[data-testid="to-login"]').click();
      await page.waitForURL((u) => new URL(u).pathname === "/login");
      const form = page.locator('[data-testid="login-form"]');
      await form.locator('input[name="email"]').fill(args.email);
      await form.locator('input[name="password"]').fill(args.password);
      await form.locator('button[type="submit"]').click();
      await page.waitForURL((u) => new URL(u).pathname === "/dashboard", { timeout: TIMEOUT });
      const got = ((await page.locator('[data-testid="server-email"]').first().textContent({ timeout: TIMEOUT })) ?? "").trim();
      if (got !== args.email) throw new Error(`server-email: expected "${args.email}", got "${got}"`);
    }));
  if (ok2) {
    await step("without a reload, the header shows the signed-in user", async () => {
      const end = Date.now() + 5_000;
      let t = "";
      while (Date.now() < end) {
        t = ((await header().textContent()) ?? "").trim();
        if (t === args.email) return;
        await sleep(100);
      }
      throw new Error(`header-user still shows "${t}" on /dashboard after signing in (expected "${args.email}")`);
    });
  }
} finally {
  if (blocked.length) console.log(`# blocked non-test-host requests: ${[...new Set(blocked)].join(", ")}`);
  await close();
}
console.log(failed ? `# check failed (${failed} step(s))` : "# check passed");
process.exit(failed ? 1 : 0);
