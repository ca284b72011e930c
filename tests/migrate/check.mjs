// The migrate tier's browser check, run before and after `authfix migrate better-auth` on the same
// app and the same database: a credentials user and an OIDC user (tests/migrate/oidc.mjs) each
// sign in from the app's own sign-in page, see their email and user id on the server page and the
// client component, stay signed in across a reload, and sign out. Prints one line per step and,
// last, `ids {"credentials":"…","oidc":"…"}` (the user ids the server page showed).
//   node tests/migrate/check.mjs --base-url URL --email E --password P [--oidc-email E] [--sign-up NAME]
// With --sign-up, the credentials user is created first through the page's sign-up form (a fresh
// `authfix new --auth better-auth` app has no users).
import { launchBrowser } from "../e2e/browser.mjs";

const TIMEOUT = 25_000;
const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = process.argv[i + 1];
const base = args.baseUrl.replace(/\/$/, "");
const signInPath = args.signInPath || "/signin";
let failed = 0;
const ids = {};
const step = async (name, fn) => {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`ok - ${name} (${Date.now() - t0} ms)`);
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
const text = async (id) => {
  const l = page.locator(`[data-testid="${id}"]`).first();
  await l.waitFor({ state: "visible" });
  return (await l.textContent())?.trim() ?? "";
};
const onSignIn = () => {
  const p = new URL(page.url()).pathname;
  if (!p.startsWith(signInPath)) throw new Error(`expected ${signInPath}, got ${page.url()}`);
};
const dashboard = async (email, who) => {
  await page.waitForURL((u) => new URL(u).pathname === "/dashboard" || new URL(u).searchParams.has("error"), { timeout: TIMEOUT });
  const error = new URL(page.url()).searchParams.get("error");
  if (error) throw new Error(`sign-in failed: error=${error} at ${page.url()}`);
  const server = await text("server-email");
  if (server !== email) throw new Error(`server page shows "${server}", expected "${email}"`);
  const client = await text("client-email");
  if (client !== email) throw new Error(`client component shows "${client}", expected "${email}"`);
  const id = await text("server-id");
  if (!id) throw new Error("no user id on the server page");
  ids[who] = id;
};
const reloadAndSignOut = async (email, who) => {
  await step(`${who}: still signed in after a reload`, async () => {
    await page.reload({ waitUntil: "load" });
    if (new URL(page.url()).pathname !== "/dashboard") throw new Error(`reload landed on ${page.url()}`);
    if ((await text("server-email")) !== email) throw new Error("server page lost the session");
    if ((await text("client-email")) !== email) throw new Error("client component lost the session");
  });
  await step(`${who}: sign-out ends the session`, async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((u) => new URL(u).pathname !== "/dashboard", { timeout: TIMEOUT });
    await page.goto(`${base}/dashboard`, { waitUntil: "load" });
    onSignIn();
  });
};

try {
  const out = await step("signed out, /dashboard leads to the sign-in page", async () => {
    await page.goto(`${base}/dashboard`, { waitUntil: "load" });
    onSignIn();
  });
  if (out) {
    if (args.signUp) {
      await step("credentials: sign up through the page", async () => {
        const form = page.locator("form#sign-up");
        await form.locator('input[name="name"]').fill(args.signUp);
        await form.locator('input[name="email"]').fill(args.email);
        await form.locator('input[name="password"]').fill(args.password);
        await form.locator('button[type="submit"]').click();
        await dashboard(args.email, "credentials");
      });
      await step("credentials: sign out after sign-up", async () => {
        await page.getByRole("button", { name: "Sign out" }).click();
        await page.waitForURL((u) => new URL(u).pathname !== "/dashboard", { timeout: TIMEOUT });
        await page.goto(`${base}/dashboard`, { waitUntil: "load" });
        onSignIn();
      });
    }
    const signedIn = await step("credentials: email and password sign in", async () => {
      const form = page.locator('form:has(input[name="password"])').first();
      await form.locator('input[name="email"]').fill(args.email);
      await form.locator('input[name="password"]').fill(args.password);
      await form.locator('button[type="submit"]').click();
      await dashboard(args.email, "credentials");
    });
    if (signedIn) await reloadAndSignOut(args.email, "credentials");
    await step("credentials: a wrong password does not sign in", async () => {
      await page.goto(`${base}${signInPath}`, { waitUntil: "load" });
      const form = page.locator('form:has(input[name="password"])').first();
      await form.locator('input[name="email"]').fill(args.email);
      await form.locator('input[name="password"]').fill(`wrong-${args.password}`);
      await form.locator('button[type="submit"]').click();
      await page.waitForTimeout(1500);
      await page.goto(`${base}/dashboard`, { waitUntil: "load" });
      onSignIn();
    });
    if (args.oidcEmail) {
      const oidc = await step("oidc: sign in through the OpenID Connect provider", async () => {
        await page.goto(`${base}${signInPath}`, { waitUntil: "load" });
        await page.getByRole("button", { name: /Mock OIDC/ }).click();
        await dashboard(args.oidcEmail, "oidc");
      });
      if (oidc) await reloadAndSignOut(args.oidcEmail, "oidc");
    }
  }
} finally {
  if (blocked.length) console.log(`# blocked non-loopback requests: ${[...new Set(blocked)].join(", ")}`);
  await close();
}
console.log(`ids ${JSON.stringify(ids)}`);
process.exit(failed ? 1 : 0);
