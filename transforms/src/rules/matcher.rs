//! Next's middleware `matcher` semantics, enough to tell which paths a matcher lets through, in
//! bounded time.
//!
//! A source goes through [`path_to_regexp::middleware_regexp`] (path-to-regexp 6 as Next calls it,
//! and the `/_next/data` prefix and `.json`/`.rsc` suffix `getMiddlewareMatchers` wraps around
//! it) into the regex Next stores in its middleware manifest, which `getMiddlewareRouteMatcher`
//! (`next/dist/shared/lib/router/utils/middleware-route-matcher.js`) runs as
//! `new RegExp(regexp).exec(pathname)`: without flags, so **case-sensitive** (path-to-regexp
//! compiles with `i`, but Next keeps only the `.source`). [`js_regex`] evaluates that JavaScript
//! regex. Both conversions are replayed against outputs and answers recorded from next@16.4.6 and
//! V8 (`tests/path_to_regexp/`).
//!
//! ## Engine
//! [fancy-regex](https://docs.rs/fancy-regex) rather than [regress](https://docs.rs/regress),
//! though regress has the ECMAScript syntax: regress is a classic backtracking engine with no
//! step limit (its PikeVM backend is documented as a testing aid), so a hostile matcher could
//! still hang a run. fancy-regex hands every part without lookaround to the `regex` crate
//! (linear time: the issue's `(?!(?:.*)*zz)` and `(?!(?:(?:.*)*)*zz)` are answered at once) and
//! backtracks only around lookarounds, under [`js_regex::BACKTRACK_LIMIT`]. Its syntax is not
//! JavaScript's, so [`js_regex`] parses the JavaScript grammar itself and writes the equivalent
//! fancy-regex pattern (every literal as `\x{…}`, `.`/`\d`/`\w`/`\s`/`\b` with their JavaScript
//! definitions); what it does not model is refused and the rules stay silent.
//!
//! ## Bound
//! A test of one path takes at most [`js_regex::BACKTRACK_LIMIT`] backtracking steps (a few dozen
//! nanoseconds each, more when a step runs a delegated sub-regex over the short path); a regex
//! whose automaton would pass the size limits is not built; a file is evaluated only within
//! [`within_budget`] (32 entries, 16 KiB of sources), and an entry stops at its first path that
//! reaches the limit. Every recorded matcher is decided on every probe within 100 steps (the
//! replay passes with the limit set that low); what reaches a limit is "unknown", which M001
//! reports as a warning. Measured with `cargo run --release -p authfix-transforms
//! --example matcher_cost` (every rule on a `proxy.ts`, best of 3) on this project's shared
//! 2-core machine under a load of about 7: Next's standard matcher 0.3 ms; 32 entries that each
//! reach the backtrack limit 10–30 ms; 32 counted shapes that stay under it on some or all paths
//! at most 30 ms; 4 entries with 4,000-byte lookahead bodies run at each step 7 ms; 32 regexes
//! at the size limit 40–95 ms; 32 caught lookahead lists of 7 × 64 bytes, fixed and checked
//! again, 30–85 ms. The worst seen, 94 ms, is a tenth of the 1 s a file may cost.
pub mod js_regex;
pub mod path_to_regexp;

use js_regex::{JsRegex, NotCompiled};

/// Most `matcher` entries evaluated in one file (real ones have a handful); with more, the
/// evaluation is unknown.
pub const MAX_ENTRIES: usize = 32;
/// Most bytes of matcher sources evaluated in one file (Next's standard matcher has 55).
pub const MAX_TOTAL_LEN: usize = 16 << 10;

/// Whether a file's matcher sources are within what is evaluated ([`MAX_ENTRIES`],
/// [`MAX_TOTAL_LEN`]); beyond, the evaluation is unknown.
pub fn within_budget<'a>(sources: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut n, mut len) = (0, 0);
    for s in sources {
        n += 1;
        len += s.len();
    }
    n <= MAX_ENTRIES && len <= MAX_TOTAL_LEN
}

/// One `config.matcher` source, compiled as Next compiles it (no `i18n`, no `basePath`).
#[derive(Debug)]
pub struct Matcher(JsRegex);

impl Matcher {
    /// `Err` for a source Next rejects or that this module does not model
    /// ([`NotCompiled::Unsupported`]), or whose regex is larger than the size limits.
    pub fn new(source: &str) -> Result<Matcher, NotCompiled> {
        let re = path_to_regexp::middleware_regexp(source).map_err(|_| NotCompiled::Unsupported)?;
        JsRegex::new(&re).map(Matcher)
    }

    /// Whether the middleware runs on `pathname`; `None` when that cannot be told within the
    /// backtrack limit.
    pub fn test(&self, pathname: &str) -> Option<bool> {
        self.0.test(pathname)
    }
}

/// Split a regex at its top-level `|`.
pub fn split_alternatives(s: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    let mut in_class = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push(c);
                cur.push(chars.next()?);
                continue;
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            '|' if !in_class && depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if depth != 0 || in_class {
        return None;
    }
    out.push(cur);
    Some(out)
}

/// The alternatives of a `/((?!a|b|c).*)` matcher, when the source has exactly that shape.
pub fn lookahead_alternatives(source: &str) -> Option<Vec<String>> {
    let inner = source.strip_prefix("/((?!")?.strip_suffix(").*)")?;
    let alts = split_alternatives(inner)?;
    // The inside must be a valid regex of its own (split_alternatives saw the parentheses
    // balance, so it cannot be `a).*|(b`); translating checks that without compiling.
    js_regex::translate(&format!("(?:{inner})"))?;
    Some(alts)
}

/// One alternative of a `/((?!a|b|c).*)` lookahead, compiled.
#[derive(Debug)]
pub struct Alternative(JsRegex);

impl Alternative {
    pub fn new(alt: &str) -> Option<Alternative> {
        JsRegex::new(&format!("^(?:{alt})")).ok().map(Alternative)
    }

    /// Whether the alternative keeps `path` (without its leading `/`) out of the matcher; `None`
    /// when that cannot be told within the backtrack limit.
    pub fn covers(&self, path_without_slash: &str) -> Option<bool> {
        self.0.test(path_without_slash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(src: &str, path: &str) -> bool {
        Matcher::new(src).unwrap_or_else(|e| panic!("{src}: {e:?}")).test(path).unwrap()
    }

    #[test]
    fn standard_negative_lookahead() {
        let s = "/((?!api/auth|_next/static|_next/image|favicon.ico).*)";
        assert!(!m(s, "/api/auth/signin"));
        assert!(!m(s, "/_next/static/chunks/main.js"));
        assert!(!m(s, "/_next/image"));
        assert!(!m(s, "/favicon.ico"));
        assert!(m(s, "/dashboard"));
        assert!(m(s, "/"));
        assert!(m(s, "/api/users"));
        assert!(m(s, "/API/AUTH/signin"), "Next matches case-sensitively");
    }

    #[test]
    fn learn_tutorial_matcher() {
        let s = "/((?!api|_next/static|_next/image|.*\\.png$).*)";
        assert!(!m(s, "/api/auth/session"));
        assert!(!m(s, "/logo.png"));
        assert!(m(s, "/favicon.ico"));
        assert!(m(s, "/dashboard/invoices"));
    }

    #[test]
    fn named_params() {
        assert!(m("/dashboard/:path*", "/dashboard"));
        assert!(m("/dashboard/:path*", "/dashboard/a/b"));
        assert!(!m("/dashboard/:path*", "/api/auth/signin"));
        assert!(m("/:path*", "/api/auth/signin"));
        assert!(m("/api/:path*", "/api/auth/callback/github"));
        assert!(!m("/admin", "/admin/x"));
        assert!(m("/admin", "/admin/"));
        assert!(m("/(.*)", "/_next/static/x.js"));
        assert!(m("/(api|trpc)(.*)", "/api/auth/signin"));
        assert!(m("/", "/"));
        assert!(!m("/", "/x"));
        assert!(m("/a(.*)*", "/a/b"), "a repeated parameter without prefix gets `/` (Next's normalizer)");
        assert!(m("/{a}?", "/"));
    }

    #[test]
    fn clerk_style_matchers() {
        let s = "/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)";
        assert!(!m(s, "/_next/static/chunks/main.js"));
        assert!(!m(s, "/favicon.ico"));
        assert!(m(s, "/api/auth/session"));
        assert!(m(s, "/data.json"));
        assert!(m("/(api|trpc)(.*)", "/api/auth/session"));
        assert!(!m("/(api|trpc)(.*)", "/dashboard"));
    }

    #[test]
    fn named_param_with_pattern() {
        let s = "/:path((?!api/auth|_next).*)";
        assert!(!m(s, "/api/auth/signin"));
        assert!(!m(s, "/_next/image"));
        assert!(m(s, "/dashboard"));
    }

    #[test]
    fn rejected_or_unmodelled_gives_none() {
        for s in ["/.*", "dashboard", "/((?!a{2,1}).*)", "/((?<n>a)\\k<n>)", "/((?=a)*)"] {
            assert_eq!(Matcher::new(s).err(), Some(NotCompiled::Unsupported), "{s}");
        }
    }

    #[test]
    fn the_issues_matchers_are_answered() {
        // Linear in fancy-regex: the lookahead bodies have no lookaround, so the regex crate runs them.
        for s in ["/((?!(?:.*)*zz).*)", "/((?!(?:(?:.*)*)*zz).*)"] {
            assert!(m(s, "/api/auth/callback/github"), "{s}");
            assert!(!m(s, "/a/zz"), "{s}");
        }
    }

    #[test]
    fn hostile_matchers_come_back_unknown() {
        for s in ["/((?:(?!zz)[^z]|.)*zz)", "/((?:(?=.)(?:.*)*)*zz)", "/((?!(?:(?=.).*)*zz).*)"] {
            let re = Matcher::new(s).unwrap();
            assert_eq!(re.test("/_next/static/chunks/main.js"), None, "{s}");
            assert_eq!(re.test("/api/auth/callback/github"), None, "{s}");
        }
    }

    #[test]
    fn lookahead_parts() {
        let alts = lookahead_alternatives("/((?!api|_next/static|.*\\..*).*)").unwrap();
        assert_eq!(alts, vec!["api", "_next/static", ".*\\..*"]);
        let any_dot = Alternative::new(".*\\..*").unwrap();
        assert_eq!(any_dot.covers("favicon.ico"), Some(true));
        assert_eq!(any_dot.covers("_next/image"), Some(false));
        assert_eq!(Alternative::new("api").unwrap().covers("api/auth/signin"), Some(true));
        assert!(lookahead_alternatives("/dashboard/:path*").is_none());
        assert!(lookahead_alternatives("/((?!a).*|(b).*)").is_none());
    }
}
