// Records what Next.js itself makes of middleware `matcher` sources, for the Rust replay test
// (`transforms/src/rules/matcher/path_to_regexp.rs`, `recorded_vectors`). Run by hand, once, when
// the cases or the Next version change; nothing is installed or run at test time:
//
//   tmp=$(mktemp -d) && (cd "$tmp" && npm init -y >/dev/null && npm install next@16.4.6 --ignore-scripts)
//   node transforms/tests/path_to_regexp/record.mjs "$tmp/node_modules/next"
//
// It writes vectors.json beside this file. For each source:
// - `regex`: `tryToParsePath(source).regexStr` (next/dist/lib/try-to-parse-path.js: Next's compiled
//   path-to-regexp 6 `parse` + `tokensToRegexp`, then `.source`), or null when Next rejects it;
// - `next_regex`: the `regexp` `getMiddlewareMatchers` (next/dist/build/analysis/get-page-static-info.js)
//   stores in the middleware manifest (the source wrapped in the optional `/_next/data/…` prefix
//   and `.json`/`.rsc` suffix; no i18n, no basePath), or null when Next would refuse the config;
// - `matches` / `next_matches`: the probe paths that `new RegExp(regex)` / `new RegExp(next_regex)`
//   match, as `getMiddlewareRouteMatcher` tests them (no flags: case-sensitive).
// Cases under `slow` are evaluated on short probes only: V8 itself backtracks exponentially on them.
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const nextDir = process.argv[2];
if (!nextDir) {
  console.error("usage: node record.mjs <path to node_modules/next>");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(nextDir), "package.json"));
const nextVersion = require("./package.json").version;
const { tryToParsePath } = require("./dist/lib/try-to-parse-path.js");
const { getMiddlewareMatchers } = require("./dist/build/analysis/get-page-static-info.js");
const { SourceSchema } = require("./dist/build/segment-config/middleware/middleware-config.js");

// Next reports a bad source on the console and, in getMiddlewareMatchers, exits the process.
console.error = () => {};
console.warn = () => {};
const realExit = process.exit;
class Exit extends Error {}

function regexOf(source) {
  const r = tryToParsePath(source);
  return r.error || !r.regexStr ? null : r.regexStr;
}

function nextRegexOf(source) {
  if (!SourceSchema.safeParse(source).success) return null;
  process.exit = () => {
    throw new Exit();
  };
  try {
    return getMiddlewareMatchers([source], {})[0].regexp ?? null;
  } catch (e) {
    if (e instanceof Exit) return null;
    throw e;
  } finally {
    process.exit = realExit;
  }
}

const PROBES = [
  "/",
  "//",
  "/dashboard",
  "/dashboard/",
  "/dashboard/a/b",
  "/Dashboard",
  "/admin",
  "/admin/",
  "/admin/x",
  "/api",
  "/api/",
  "/api/users",
  "/api/auth",
  "/api/auth/signin",
  "/api/auth/callback/github",
  "/api/auth/session",
  "/API/AUTH/session",
  "/_next/static/chunks/main.js",
  "/_next/image",
  "/_next/data/build-id/index.json",
  "/_next/data/build-id/dashboard.json",
  "/favicon.ico",
  "/logo.png",
  "/robots.txt",
  "/sitemap.xml",
  "/data.json",
  "/index",
  "/index.json",
  "/dashboard.rsc",
  "/dashboard.segments/a.segment.rsc",
  "/en",
  "/en/about",
  "/de/dashboard/settings",
  "/blog",
  "/blog/hello-world",
  "/users/123",
  "/users/abc",
  "/files/report.pdf",
  "/a/b-c",
  "/docs/intro.md",
  "/trpc/post.list",
  "/a/b",
  "/zz",
  "/a(b)",
  "/file.txt",
  "/:id",
  "/a*",
  "/price$",
  "/{x}",
  "/a#b",
  "/a?b",
  "/a\nb",
  "/é",
  "/%C3%A9",
  "/foo",
  "/aab",
  "/A",
  "/b",
  "/about",
  "/x{y",
  "/edit",
  "/a/edit",
  "/a-b",
  "/p{L}",
  "/uuuu",
  "/uuuuu",
  "/_next/static",
  "/api/authx",
  "/favicon.ico/x",
];

// The M001 probes (rules/m001_matcher_catches_auth_routes.rs) are all in PROBES.
const CASES = [
  // The standard negative-lookahead matcher and its variants.
  "/((?!api/auth|_next/static|_next/image|favicon.ico).*)",
  "/((?!api|_next/static|_next/image|favicon.ico).*)",
  "/((?!api|_next/static|_next/image|.*\\.png$).*)",
  "/((?!_next/static|_next/image|favicon.ico).*)",
  "/((?!api/auth|_next/static|_next/image|favicon.ico|sitemap.xml|robots.txt).*)",
  "/((?!api/auth|_next|favicon\\.ico).*)",
  "/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)",
  "/(api|trpc)(.*)",
  "/((?!.+\\.[\\w]+$|_next).*)",
  "/((?!api/auth).*)",
  "/((?!api\\/auth|_next\\/static).*)",
  "/((?!API/AUTH).*)",
  "/:path((?!api/auth|_next).*)",
  "/((?!api/auth)(?!_next/static).*)",
  "/((?!.*\\.).*)",
  "/((?!api|static|.*\\..*|_next).*)",
  "/((?=api).*)",
  "/((?!api/auth|_next/static|_next/image|favicon.ico).+)",
  // Named parameters.
  "/:path*",
  "/:path+",
  "/:slug?",
  "/:id",
  "/dashboard/:path*",
  "/dashboard/:path+",
  "/admin/:id",
  "/api/:path*",
  "/blog/:slug?",
  "/users/:id(\\d+)",
  "/:locale/dashboard/:path*",
  "/files/:name.:ext",
  "/a/:b-:c",
  "/:path*/",
  "/:path*/edit",
  "/docs/:path*.md",
  "/:path(.*)",
  "/a:b+",
  "/:a:b",
  "/:",
  "/:path*((?!x).*)",
  // Groups with {}.
  "/{docs}?",
  "/blog{/:slug}?",
  "/{:lang/}?about",
  "/a{-:b}*",
  "/{a}",
  "/{(.*)}",
  "/foo{/:bar}+",
  "/x{y*}",
  "/{{a}}",
  "/{a",
  "/a}",
  // Regex parameters.
  "/(.*)",
  "/(.*)*",
  "/a(.*)*",
  "/((?:a|b)+)",
  "/(\\d+)",
  "/(foo|bar)/:id",
  "/([^/]+)/edit",
  "/(a(b))",
  "/(?:a)",
  "/()",
  "/(a",
  "/(a)b)",
  // i18n- and basePath-like prefixes.
  "/en/:path*",
  "/:locale(en|de|fr)/:path*",
  "/docs/:path*",
  "/base/((?!api/auth).*)",
  "/app/((?!api/auth|_next/static).*)",
  // Trailing slashes.
  "/admin/",
  "/admin//",
  "/",
  "//",
  "/dashboard/",
  // Escaped characters.
  "/a\\(b\\)",
  "/file\\.txt",
  "/\\:id",
  "/a\\*",
  "/price\\$",
  "/a\\",
  "/\\{x\\}",
  "/a#b",
  "/a?b",
  "/a.b",
  "/a\nb",
  // Weird and hostile regex syntax inside a parameter.
  "/((?!a{2,1}).*)",
  "/((?!a**).*)",
  "/(a|)",
  "/((?!).*)",
  "/([)])",
  "/([\\]])",
  "/(\\1)",
  "/((?<n>a)\\k<n>)",
  "/((?<n>a).*)",
  "/((?<=a).*)",
  "/((?<!api).*)",
  "/(\\bfoo\\b.*)",
  "/([^]*)",
  "/([]*)",
  "/(\\u0041.*)",
  "/(\\x41)",
  "/(\\cA)",
  "/(\\0)",
  "/(\\s*)",
  "/(\\S+)",
  "/(\\w+)",
  "/(\\W)",
  "/(.{2,})",
  "/(a{,2})",
  "/(x{)",
  "/(})",
  "/(]*)",
  "/(\\p{L})",
  "/(u\\u{4})",
  "/(é+)",
  "/(😀)",
  "/([😀])",
  "/(\\uD83D)",
  "/([a-])",
  "/([z-a])",
  "/([\\d-z])",
  "/((?i)a)",
  "/(^a)",
  "/(a$)",
  "/(a{3})",
  "/(a{1001})",
  "/((?=a)*)",
  "/(\\B.*)",
  "/([\\b])",
  "/(\\c1)",
  "/(\\8)",
  "/(\\a)",
  "/((?!a)+)",
  "/API/:path*",
  "/api/auth",
  "/(\\/api)",
  "/(a|b)(c|d)",
  "/(.*)/(.*)",
  "/a".repeat(2048),
  "/" + "a".repeat(4000),
  "/" + "a".repeat(4096),
];

// Exponential for backtracking engines (V8 included): short probes only.
const SLOW = [
  "/((?!(?:.*)*zz).*)",
  "/((?!(?:(?:.*)*)*zz).*)",
  "/((?:(?!zz)[^z]|.)*zz)",
  "/((?:(?=.)(?:.*)*)*zz)",
  "/((?!(?:(?=.).*)*zz).*)",
];
const SHORT_PROBES = ["/", "/zz", "/a/zz", "/api", "/a/b"];

function record(source, probes) {
  const regex = regexOf(source);
  const nextRegex = nextRegexOf(source);
  const out = { source, regex, next_regex: nextRegex };
  if (regex !== null) out.matches = probes.filter((p) => new RegExp(regex).test(p));
  if (nextRegex !== null) out.next_matches = probes.filter((p) => new RegExp(nextRegex).test(p));
  return out;
}

const vectors = {
  generated_by: "transforms/tests/path_to_regexp/record.mjs",
  next_version: nextVersion,
  node_version: process.version,
  probes: PROBES,
  short_probes: SHORT_PROBES,
  cases: CASES.map((s) => record(s, PROBES)),
  slow: SLOW.map((s) => record(s, SHORT_PROBES)),
};
const outPath = path.join(path.dirname(fileURLToPath(import.meta.url)), "vectors.json");
writeFileSync(outPath, JSON.stringify(vectors, null, 1) + "\n");
console.log(`${outPath}: ${vectors.cases.length} cases, ${vectors.slow.length} slow ones, ${PROBES.length} probes (next ${nextVersion})`);
