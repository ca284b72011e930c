// The proof tier's browser check, run against every app before and after `authfix fix`:
//   1. signed out, /dashboard leads to the sign-in page;
//   2. the demo user signs in with the credentials form and lands on /dashboard;
//   3. the server page shows session.user.email and 4. session.user.id ("demo-user");
//   5. a client-side link to /client shows the email from useSession();
//   6. a reload of /client keeps the user there, still signed in;
//   7. a reload of /dashboard still shows the server session.
// With `--protected PATH` (a page only the proxy or a client-side redirect guards), a first step
// asserts that signed out, PATH leads to the sign-in page too: the fix kept the guard working.
// Prints "ok - STEP" or "not ok - STEP: what happened" per step; run.sh greps these lines for
// the symptom each broken app must show. Exit 0 only when every step passed.
//   node tests/proof/check.mjs --base-url http://localhost:3000 --email E --password P
import { launchBrowser } from "./browser.mjs";

const TIMEOUT = 15_000;
const DEMO_ID = "demo-user";

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    out[argv[i].replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = argv[i + 1];
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
if (!args.baseUrl || !args.email || !args.password) {
  console.error("usage: check.mjs --base-url URL --email EMAIL --password PASSWORD");
  process.exit(2);
}
const base = args.baseUrl.replace(/\/$/, "");
const { email, password } = args;

let failed = 0;
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
const path = () => new URL(page.url()).pathname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// What /api/auth/session answers from inside the page (status and the first bytes).
async function sessionState() {
  try {
    return await page.evaluate(async () => {
      const r = await fetch("/api/auth/session", { redirect: "manual" });
      // A redirect answered to a "manual" fetch is opaque: status 0, no Location.
      if (r.type === "opaqueredirect") return "a redirect";
      return `${r.status} ${(await r.text()).slice(0, 160)}`;
    });
  } catch (e) {
    return `unreadable (${String(e?.message ?? e).split("\n")[0]})`;
  }
}

// Wait until the text of the first element matching testid is non-empty (or time out).
async function textOf(testid, timeout = TIMEOUT) {
  const loc = page.locator(`[data-testid="${testid}"]`).first();
  await loc.waitFor({ state: "attached", timeout });
  return (await loc.textContent())?.trim() ?? "";
}

// Poll until the page shows `testid` with text, or leaves `stayOn`; returns the text.
async function stayAndRead(stayOn, testid) {
  const end = Date.now() + TIMEOUT;
  while (Date.now() < end) {
    if (path() !== stayOn) {
      await page.waitForLoadState("load").catch(() => {});
      throw new Error(`thrown out of ${stayOn}: landed on ${page.url()} while /api/auth/session answers ${await sessionState()}`);
    }
    // A short timeout: the page may navigate away (a client redirect) between the count and the
    // read, and the next turn of the loop must then see the new URL rather than wait 15 s for an
    // element that is gone.
    const loc = page.locator(`[data-testid="${testid}"]`).first();
    const text = (await loc.count()) ? ((await loc.textContent({ timeout: 500 }).catch(() => null)) ?? "").trim() : "";
    if (text) return text;
    await sleep(100);
  }
  throw new Error(`${testid} never showed on ${page.url()} (/api/auth/session: ${await sessionState()})`);
}

async function expectSignInPage(what) {
  const res = await page.goto(`${base}${what}`, { waitUntil: "load" });
  const status = res?.status();
  // A client-side redirect happens after load: give it a moment.
  await page.waitForURL((u) => new URL(u).pathname.startsWith("/api/auth/signin"), { timeout: 5_000 }).catch(() => {});
  if (!path().startsWith("/api/auth/signin") || !status || status >= 400) {
    const body = ((await page.textContent("body").catch(() => "")) ?? "").replace(/\s+/g, " ").slice(0, 160);
    throw new Error(`HTTP ${status} at ${page.url()}: ${body}`);
  }
  await page.locator('input[name="password"]').waitFor({ state: "visible" });
}

try {
  if (args.protected) {
    await step(`signed-out ${args.protected} leads to the sign-in page`, () => expectSignInPage(args.protected));
  }
  const ok1 = await step("signed-out /dashboard leads to the sign-in page", () => expectSignInPage("/dashboard"));

  const ok2 = ok1 && (await step("demo-user sign-in reaches /dashboard", async () => {
    const form = page.locator('form:has(input[name="password"])');
    await form.locator('input[name="email"]').fill(email);
    await form.locator('input[name="password"]').fill(password);
    await form.locator('button[type="submit"], button:not([type])').first().click();
    try {
      await page.waitForURL((u) => new URL(u).pathname === "/dashboard" || new URL(u).searchParams.has("error"), { timeout: TIMEOUT });
    } catch {
      // fall through: report where the browser is
    }
    await page.waitForLoadState("load").catch(() => {});
    if (path() !== "/dashboard") {
      throw new Error(`sign-in did not reach /dashboard: landed on ${page.url()} (/api/auth/session: ${await sessionState()})`);
    }
  }));

  if (ok2) {
    await step("server page shows session.user.email", async () => {
      const got = await textOf("server-email");
      if (got !== email) throw new Error(`server-email: expected "${email}", got "${got}"`);
    });
    await step("server page shows session.user.id", async () => {
      const got = await textOf("server-id");
      if (got !== DEMO_ID) throw new Error(`server-id: expected "${DEMO_ID}", got "${got}"`);
    });
    const ok5 = await step("useSession() page shows the email", async () => {
      await page.locator('[data-testid="to-client"]').click();
      await page.waitForURL((u) => new URL(u).pathname === "/client");
      const got = await stayAndRead("/client", "client-email");
      if (got !== email) throw new Error(`client-email: expected "${email}", got "${got}"`);
    });
    if (ok5) {
      await step("after a reload the useSession() page still shows the session", async () => {
        await page.reload({ waitUntil: "load" });
        const got = await stayAndRead("/client", "client-email");
        if (got !== email) throw new Error(`client-email: expected "${email}", got "${got}"`);
      });
    }
    await step("after a reload the server page still shows the session", async () => {
      await page.goto(`${base}/dashboard`, { waitUntil: "load" });
      const got = await stayAndRead("/dashboard", "server-email");
      if (got !== email) throw new Error(`server-email: expected "${email}", got "${got}"`);
    });
  }
} finally {
  if (blocked.length) console.log(`# blocked non-test-host requests: ${[...new Set(blocked)].join(", ")}`);
  await close();
}
console.log(failed ? `# check failed (${failed} step(s))` : "# check passed");
process.exit(failed ? 1 : 0);
