use crate::declare_rule;
use crate::project::Project;
use crate::rule::{Diagnostic, Rule, RuleMeta, Severity};
use crate::rules::middleware_common::Kind;
use crate::rules::protection as pr;

declare_rule! {
    /// ## What it does
    /// Reports a `next` version inside the affected range of a Next.js middleware/proxy bypass
    /// advisory that applies to the app, while the middleware/proxy is a sign-in check: an error
    /// when some protected page or route handler has no session check of its own (the middleware
    /// is its only check), a warning when every protected one checks itself.
    ///
    /// The advisories and their own affected ranges (`transforms/src/advisories.rs`, each row
    /// with its source): GHSA-f82v-jwr5-mffw / CVE-2025-29927 (`x-middleware-subrequest`, 12.0.0
    /// up to 12.3.5, 13.5.9, 14.2.25, 15.2.3), GHSA-267c-6grr-h53f (App Router `.rsc` and
    /// segment-prefetch URLs, 15.2.0–15.5.16 and 16.0.0–16.2.5), GHSA-26hh-7cqf-hhc6 (the same
    /// through `middleware.ts` built with Turbopack, up to 15.5.18 / 16.2.6), GHSA-492v-c6pp-mqqv
    /// (dynamic route parameter injection, 15.4.0–15.5.16, 16.0.0–16.2.5), GHSA-36qx-fr4f-26g5
    /// (Pages Router with `i18n`, locale-less `/_next/data`, 12.2.0–15.5.16, 16.0.0–16.2.5),
    /// GHSA-6gpp-xcg3-4w24 (App Router, Turbopack, a single `i18n` locale, 16.0.0–16.2.11).
    /// Each applies only where its condition holds (App Router, a `middleware.ts` file and
    /// Turbopack, dynamic segments behind the middleware, `i18n` in next.config).
    ///
    /// ## Why is this bad?
    /// Each of these request shapes reaches the page without running the middleware, so a page
    /// that trusts the middleware alone is public. The advisories' workaround is to check
    /// authorization in the page or route itself — S010 inserts those checks. CVE-2025-29927 was
    /// reproduced against `next start` on 15.2.2 (see docs/proof.md and the doctor's D011).
    ///
    /// Versions are the lockfile's (the workspace root's in a monorepo); a package.json range
    /// counts only when it admits no fixed version.
    ///
    /// ## Example
    /// ```json
    /// { "dependencies": { "next": "15.2.2", "next-auth": "4.24.15" } }
    /// ```
    /// with `middleware.ts` as the only check in front of `app/dashboard/page.tsx`.
    /// Use instead: upgrade `next` (15.5.18 clears every row above for 15.x; the latest patch of
    /// your major has every fix), and check the session in each protected page (S010).
    ///
    /// ## Fix safety
    /// No fix: the upgrade is the project's (a Next.js update needs its own testing); the message
    /// names the first version that clears the advisories that apply.
    ///
    /// ## References
    /// - <https://github.com/vercel/next.js/security/advisories/GHSA-f82v-jwr5-mffw>
    /// - <https://github.com/vercel/next.js/security/advisories/GHSA-267c-6grr-h53f>
    /// - <https://nextjs.org/docs/app/guides/authentication>
    pub struct ProxyBypassExposure {
        code: "V003",
        name: "proxy-bypass-exposure",
        fix: None,
        severity: Error,
        summary: "the installed Next.js has a middleware-bypass advisory while the middleware is the only check for some route",
    }
}

impl Rule for ProxyBypassExposure {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major.is_none() {
            return;
        }
        let Some(prot) = pr::protection(project) else { return };
        let (rows, safe) = pr::bypasses(project, &prot);
        if rows.is_empty() {
            return;
        }
        let mut protected = 0;
        let mut alone: Vec<String> = Vec::new();
        for rf in pr::route_files(project) {
            if rf.kind == "layout" || prot.protects(&rf.url) != Some(true) {
                continue;
            }
            let Some(text) = project.text(&rf.path) else { continue };
            if text.contains("use client") && project.parsed(&rf.path).is_some_and(|p| crate::ast::has_directive(&p, "use client")) {
                continue;
            }
            protected += 1;
            if !(pr::reads_session(text) || (rf.kind == "page" && pr::layout_checks(project, &rf.path))) {
                alone.push(rf.path.clone());
            }
        }
        if protected == 0 {
            return;
        }
        let Some(next) = project.facts.versions.get("next") else { return };
        let kind = if prot.file.kind == Kind::Proxy { "proxy" } else { "middleware" };
        let list: Vec<String> = rows.iter().map(|a| format!("{}: {}", a.label(), a.short)).collect();
        let upgrade = safe.map_or_else(|| "a fixed release".to_string(), |s| s.to_string());
        let (sev, tail) = if alone.is_empty() {
            (
                Severity::Warning,
                format!("every protected page checks the session itself, so these requests find a second lock; upgrade `next` to {upgrade} anyway"),
            )
        } else {
            let shown: Vec<&str> = alone.iter().take(3).map(String::as_str).collect();
            let more = if alone.len() > 3 { format!(" and {} more", alone.len() - 3) } else { String::new() };
            (
                Severity::Error,
                format!(
                    "the {kind} is the only check in front of {}{more}: these requests reach them signed out. Upgrade `next` to {upgrade}",
                    shown.join(", ")
                ),
            )
        };
        let message = format!(
            "`next` {} ({}) is affected by {} ({}): {tail}",
            next.version,
            crate::rules::version_common::source(project, next).replace("resolved in", "from"),
            if rows.len() == 1 { "a middleware bypass" } else { "middleware bypasses" },
            list.join("; ")
        );
        let mut d = Diagnostic::new(&Self::META, &prot.file.path, prot.start, prot.end, message).with_note(format!(
            "Then run {}; S010 adds the session checks to pages, route handlers and server actions that read data.",
            project.facts.versions.install_command()
        ));
        d.severity = sev;
        out.push(d);
    }
}
