//! The security advisories the V rules encode, in one table. Each row holds what the advisory
//! itself says — its `affected` ranges as `introduced`/`fixed` events (the OSV/GitHub advisory
//! database form: `introduced <= v < fixed`, npm prerelease ordering) — and where it was read.
//! Public audits quote other fixed versions for some of the Next.js rows (15.5.16–15.5.21,
//! 16.2.5–16.2.11 for "the" middleware fix); only the advisory's own ranges are here.
//!
//! Sources read (December 2026):
//! - next-auth / @auth/core: the advisories' records in the GitHub advisory database
//!   (`advisories/github-reviewed/2026/07/GHSA-…/GHSA-….json`, published 2026-07-23) and the Better
//!   Auth post "Auth.js security update: July 2026" (better-auth `docs/content/blogs/security-update-july-2026.mdx`,
//!   2026-07-21), which gives the same fixed versions. Where an advisory's prose and its ranges
//!   differ (GHSA-7rqj says "< 4.24.14" in prose, its range says fixed 4.24.15), the range is used.
//! - next: the advisories' records (`advisories/github-reviewed/2025/03/GHSA-f82v-jwr5-mffw`,
//!   `2026/05/GHSA-267c-6grr-h53f`, `GHSA-26hh-7cqf-hhc6`, `GHSA-492v-c6pp-mqqv`,
//!   `GHSA-36qx-fr4f-26g5`); GHSA-6gpp-xcg3-4w24's record was not in the mirror read here: its
//!   range (16.0.0 up to 16.2.11) is the one its advisory page and the Next.js July 2026 security
//!   release give, as quoted by the doctor's D011 documentation.

/// A package an advisory names.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Pkg {
    Next,
    NextAuth,
    AuthCore,
}

impl Pkg {
    pub fn name(self) -> &'static str {
        match self {
            Pkg::Next => "next",
            Pkg::NextAuth => "next-auth",
            Pkg::AuthCore => "@auth/core",
        }
    }
}

/// What must hold in the app for a Next.js bypass advisory to apply (beyond the version).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Any middleware / proxy (self-hosted; Vercel filters the header).
    Middleware,
    /// App Router pages.
    AppRouter,
    /// A `middleware.ts` (not `proxy.ts`) built with Turbopack.
    MiddlewareFileTurbopack,
    /// Dynamic route segments (`[id]`) behind the middleware.
    DynamicRoutes,
    /// Pages Router with `i18n` in next.config.
    PagesI18n,
    /// App Router built with Turbopack, `i18n` with a single locale.
    TurbopackSingleLocale,
    /// Nothing beyond the version (next-auth rows: the condition is in `summary`).
    None,
}

#[derive(Debug)]
pub struct Advisory {
    pub id: &'static str,
    pub cve: Option<&'static str>,
    pub pkg: Pkg,
    /// `(introduced, fixed)` pairs.
    pub ranges: &'static [(&'static str, &'static str)],
    pub summary: &'static str,
    /// A few words for messages.
    pub short: &'static str,
    pub needs: Needs,
    pub url: &'static str,
}

impl Advisory {
    /// Whether `v` lies in one of the affected ranges.
    pub fn affects(&self, v: &crate::versions::Version) -> bool {
        self.ranges.iter().any(|(lo, hi)| crate::versions::in_interval(v, lo, hi))
    }

    /// The fixed version of the range `v` lies in (the upgrade target on its line).
    pub fn fixed_for(&self, v: &crate::versions::Version) -> Option<&'static str> {
        self.ranges.iter().find(|(lo, hi)| crate::versions::in_interval(v, lo, hi)).map(|(_, hi)| *hi)
    }

    /// `GHSA-… (CVE-…)`.
    pub fn label(&self) -> String {
        match self.cve {
            Some(c) => format!("{} ({c})", self.id),
            None => self.id.to_string(),
        }
    }
}

/// Every advisory the V rules read.
pub const ADVISORIES: &[Advisory] = &[
    // ---- next-auth / @auth/core, July 2026
    Advisory {
        id: "GHSA-7rqj-j65f-68wh",
        cve: None,
        pkg: Pkg::NextAuth,
        ranges: &[("4.10.3", "4.24.15"), ("5.0.0-beta.1", "5.0.0-beta.32")],
        summary: "email sign-in validates the address before Unicode normalisation: a homoglyph `@` sends the magic link to another mailbox (account takeover; email provider)",
        short: "magic-link account takeover",
        needs: Needs::None,
        url: "https://github.com/nextauthjs/next-auth/security/advisories/GHSA-7rqj-j65f-68wh",
    },
    Advisory {
        id: "GHSA-7rqj-j65f-68wh",
        cve: None,
        pkg: Pkg::AuthCore,
        ranges: &[("0.1.0", "0.41.3")],
        summary: "email sign-in validates the address before Unicode normalisation: a homoglyph `@` sends the magic link to another mailbox (account takeover; email provider)",
        short: "magic-link account takeover",
        needs: Needs::None,
        url: "https://github.com/nextauthjs/next-auth/security/advisories/GHSA-7rqj-j65f-68wh",
    },
    Advisory {
        id: "GHSA-xmf8-cvqr-rfgj",
        cve: None,
        pkg: Pkg::NextAuth,
        ranges: &[("4.0.6", "4.24.15"), ("5.0.0-beta.0", "5.0.0-beta.32")],
        summary: "`getToken()` throws on a malformed `Authorization: Bearer` header (an unauthenticated request crashes the handler)",
        short: "getToken() crash on a malformed Bearer header",
        needs: Needs::None,
        url: "https://github.com/nextauthjs/next-auth/security/advisories/GHSA-xmf8-cvqr-rfgj",
    },
    Advisory {
        id: "GHSA-xmf8-cvqr-rfgj",
        cve: None,
        pkg: Pkg::AuthCore,
        ranges: &[("0.1.0", "0.41.3")],
        summary: "`getToken()` throws on a malformed `Authorization: Bearer` header (an unauthenticated request crashes the handler)",
        short: "getToken() crash on a malformed Bearer header",
        needs: Needs::None,
        url: "https://github.com/nextauthjs/next-auth/security/advisories/GHSA-xmf8-cvqr-rfgj",
    },
    Advisory {
        id: "GHSA-x445-f3h2-j279",
        cve: None,
        pkg: Pkg::NextAuth,
        ranges: &[("0.0.0", "4.24.15"), ("5.0.0-beta.1", "5.0.0-beta.32")],
        summary: "OAuth state/nonce/PKCE cookies are not bound to their provider: with several OAuth providers and account linking, an attacker's account can be linked to a victim's user",
        short: "OAuth account-linking confusion",
        needs: Needs::None,
        url: "https://github.com/nextauthjs/next-auth/security/advisories/GHSA-x445-f3h2-j279",
    },
    Advisory {
        id: "GHSA-x445-f3h2-j279",
        cve: None,
        pkg: Pkg::AuthCore,
        ranges: &[("0.0.0", "0.41.3")],
        summary: "OAuth state/nonce/PKCE cookies are not bound to their provider: with several OAuth providers and account linking, an attacker's account can be linked to a victim's user",
        short: "OAuth account-linking confusion",
        needs: Needs::None,
        url: "https://github.com/nextauthjs/next-auth/security/advisories/GHSA-x445-f3h2-j279",
    },
    Advisory {
        id: "GHSA-8fpg-xm3f-6cx3",
        cve: None,
        pkg: Pkg::NextAuth,
        ranges: &[("5.0.0-beta.0", "5.0.0-beta.32")],
        summary: "on a configuration error `auth()` returns the error body `{ message }`, a truthy object: existence-only checks (`!!auth`, `if (!session)`) let every visitor in (S011 finds them)",
        short: "auth checks fail open on configuration errors",
        needs: Needs::None,
        url: "https://github.com/nextauthjs/next-auth/security/advisories/GHSA-8fpg-xm3f-6cx3",
    },
    // ---- next: middleware / proxy bypasses
    Advisory {
        id: "GHSA-f82v-jwr5-mffw",
        cve: Some("CVE-2025-29927"),
        pkg: Pkg::Next,
        ranges: &[("12.0.0", "12.3.5"), ("13.0.0", "13.5.9"), ("14.0.0", "14.2.25"), ("15.0.0", "15.2.3")],
        summary: "an `x-middleware-subrequest` header makes Next skip the middleware (self-hosted; Vercel filters it)",
        short: "x-middleware-subrequest skips the middleware",
        needs: Needs::Middleware,
        url: "https://github.com/vercel/next.js/security/advisories/GHSA-f82v-jwr5-mffw",
    },
    Advisory {
        id: "GHSA-267c-6grr-h53f",
        cve: Some("CVE-2026-44575"),
        pkg: Pkg::Next,
        ranges: &[("15.2.0", "15.5.16"), ("16.0.0", "16.2.5")],
        summary: "App Router `.rsc` and segment-prefetch URLs reach the page without matching the middleware",
        short: ".rsc / segment-prefetch URLs skip the middleware",
        needs: Needs::AppRouter,
        url: "https://github.com/vercel/next.js/security/advisories/GHSA-267c-6grr-h53f",
    },
    Advisory {
        id: "GHSA-26hh-7cqf-hhc6",
        cve: Some("CVE-2026-45109"),
        pkg: Pkg::Next,
        ranges: &[("15.2.0", "15.5.18"), ("16.0.0", "16.2.6")],
        summary: "the GHSA-267c fix missed `middleware.ts` built with Turbopack",
        short: "the same through middleware.ts with Turbopack",
        needs: Needs::MiddlewareFileTurbopack,
        url: "https://github.com/vercel/next.js/security/advisories/GHSA-26hh-7cqf-hhc6",
    },
    Advisory {
        id: "GHSA-492v-c6pp-mqqv",
        cve: Some("CVE-2026-44574"),
        pkg: Pkg::Next,
        ranges: &[("15.4.0", "15.5.16"), ("16.0.0", "16.2.5")],
        summary: "crafted query parameters change a dynamic route's value while the path the middleware sees stays unchanged",
        short: "dynamic route parameter injection",
        needs: Needs::DynamicRoutes,
        url: "https://github.com/vercel/next.js/security/advisories/GHSA-492v-c6pp-mqqv",
    },
    Advisory {
        id: "GHSA-36qx-fr4f-26g5",
        cve: Some("CVE-2026-44573"),
        pkg: Pkg::Next,
        ranges: &[("12.2.0", "15.5.16"), ("16.0.0", "16.2.5")],
        summary: "Pages Router with `i18n`: locale-less `/_next/data/<build id>/<page>.json` requests skip the middleware",
        short: "locale-less /_next/data requests skip the middleware",
        needs: Needs::PagesI18n,
        url: "https://github.com/vercel/next.js/security/advisories/GHSA-36qx-fr4f-26g5",
    },
    Advisory {
        id: "GHSA-6gpp-xcg3-4w24",
        cve: Some("CVE-2026-64642"),
        pkg: Pkg::Next,
        ranges: &[("16.0.0", "16.2.11")],
        summary: "App Router built with Turbopack and a single `i18n` locale: the middleware can be bypassed",
        short: "Turbopack single-locale bypass",
        needs: Needs::TurbopackSingleLocale,
        url: "https://github.com/vercel/next.js/security/advisories/GHSA-6gpp-xcg3-4w24",
    },
];

/// The advisories of `pkg` whose ranges contain `v`.
pub fn affecting(pkg: Pkg, v: &crate::versions::Version) -> Vec<&'static Advisory> {
    ADVISORIES.iter().filter(|a| a.pkg == pkg && a.affects(v)).collect()
}

/// The lowest version from `v` on that none of `rows` affects: the largest `fixed` of the ranges
/// containing `v`, followed while that version is itself affected (`None` when none is).
pub fn first_safe(rows: &[&Advisory], v: &crate::versions::Version) -> Option<crate::versions::Version> {
    let mut target: Option<crate::versions::Version> = None;
    let mut cur = v.clone();
    // Several rows may chain (a fix that is itself affected by a later row): follow them.
    for _ in 0..8 {
        let next = rows.iter().filter(|a| a.affects(&cur)).filter_map(|a| a.fixed_for(&cur)).filter_map(|f| crate::versions::Version::parse(f).ok()).max();
        match next {
            Some(n) if target.as_ref().is_none_or(|t| &n > t) => {
                target = Some(n.clone());
                cur = n;
            }
            _ => break,
        }
    }
    target
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::versions::v;

    fn ids(pkg: Pkg, ver: &str) -> Vec<&'static str> {
        affecting(pkg, &v(ver)).iter().map(|a| a.id).collect()
    }

    #[test]
    fn next_auth_rows() {
        assert_eq!(ids(Pkg::NextAuth, "5.0.0-beta.31"), ["GHSA-7rqj-j65f-68wh", "GHSA-xmf8-cvqr-rfgj", "GHSA-x445-f3h2-j279", "GHSA-8fpg-xm3f-6cx3"]);
        assert!(ids(Pkg::NextAuth, "5.0.0-beta.32").is_empty());
        assert!(ids(Pkg::NextAuth, "4.24.15").is_empty());
        assert_eq!(ids(Pkg::NextAuth, "4.24.14"), ["GHSA-7rqj-j65f-68wh", "GHSA-xmf8-cvqr-rfgj", "GHSA-x445-f3h2-j279"]);
        // Before 4.10.3 the email normaliser did not exist yet (its range starts there).
        assert_eq!(ids(Pkg::NextAuth, "4.0.0"), ["GHSA-x445-f3h2-j279"]);
        assert_eq!(ids(Pkg::AuthCore, "0.41.2").len(), 3);
        assert!(ids(Pkg::AuthCore, "0.41.3").is_empty());
        let all: Vec<&Advisory> = ADVISORIES.iter().filter(|a| a.pkg == Pkg::NextAuth).collect();
        assert_eq!(first_safe(&all, &v("5.0.0-beta.25")), Some(v("5.0.0-beta.32")));
        assert_eq!(first_safe(&all, &v("4.24.5")), Some(v("4.24.15")));
        assert_eq!(first_safe(&all, &v("4.24.15")), None);
    }

    #[test]
    fn next_rows() {
        assert_eq!(ids(Pkg::Next, "15.2.2"), ["GHSA-f82v-jwr5-mffw", "GHSA-267c-6grr-h53f", "GHSA-26hh-7cqf-hhc6", "GHSA-36qx-fr4f-26g5"]);
        assert_eq!(ids(Pkg::Next, "15.2.3"), ["GHSA-267c-6grr-h53f", "GHSA-26hh-7cqf-hhc6", "GHSA-36qx-fr4f-26g5"]);
        assert!(ids(Pkg::Next, "16.4.6").is_empty());
        assert!(ids(Pkg::Next, "15.5.21").is_empty());
        assert_eq!(ids(Pkg::Next, "16.2.6"), ["GHSA-6gpp-xcg3-4w24"]);
        assert!(ids(Pkg::Next, "11.1.4").is_empty(), "the advisory lists no 11.x range (a workaround only)");
        let all: Vec<&Advisory> = ADVISORIES.iter().filter(|a| a.pkg == Pkg::Next).collect();
        assert_eq!(first_safe(&all, &v("15.2.2")), Some(v("15.5.18")));
        assert_eq!(first_safe(&all, &v("16.1.0")), Some(v("16.2.11")));
        // 14.x has a CVE-2025-29927 fix, but GHSA-36qx (Pages Router + i18n) has none before 15.5.16.
        assert_eq!(first_safe(&all, &v("14.2.3")), Some(v("15.5.18")));
        let f82v: Vec<&Advisory> = all.iter().copied().filter(|a| a.id == "GHSA-f82v-jwr5-mffw").collect();
        assert_eq!(first_safe(&f82v, &v("14.2.3")), Some(v("14.2.25")));
    }
}
