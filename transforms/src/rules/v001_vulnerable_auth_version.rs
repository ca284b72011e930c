use crate::advisories::{self, Advisory, Pkg};
use crate::declare_rule;
use crate::project::Project;
use crate::rule::{Applicability, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::version_common::{self as vc, PACKAGE_JSON};

declare_rule! {
    /// ## What it does
    /// Reads the resolved `next-auth` and `@auth/core` versions — the lockfile first (the
    /// workspace root's in a monorepo), else the package.json range — and reports each published
    /// advisory whose affected range contains them: GHSA-7rqj-j65f-68wh, GHSA-xmf8-cvqr-rfgj and
    /// GHSA-x445-f3h2-j279 (next-auth below 4.24.15 on v4 and below 5.0.0-beta.32 on v5,
    /// @auth/core below 0.41.3) and GHSA-8fpg-xm3f-6cx3 (v5 below 5.0.0-beta.32).
    ///
    /// ## Why is this bad?
    /// - GHSA-7rqj-j65f-68wh: the email (magic-link) provider validated the address before Unicode
    ///   normalisation, so a homoglyph `@` delivers a victim's sign-in link to an attacker's mailbox.
    /// - GHSA-xmf8-cvqr-rfgj: `getToken()` throws on a malformed `Authorization: Bearer` header; any
    ///   unauthenticated request can crash the handlers that call it.
    /// - GHSA-x445-f3h2-j279: the OAuth `state`/`nonce`/PKCE cookies were not bound to their
    ///   provider; with several providers and account linking, an attacker's account gets linked
    ///   to the victim's user.
    /// - GHSA-8fpg-xm3f-6cx3: on a configuration error `auth()` returned the error body
    ///   `{ message }` instead of `null`, and every existence check (`!!auth`, `if (!session)`)
    ///   let all visitors in (S011 finds those checks).
    ///
    /// A version read from a lockfile is the installed one. Without one, only a package.json
    /// range that admits no fixed version is reported (an exact pin such as `"4.24.5"`, or
    /// `~4.23.0`): a range like `^4.24.5` installs 4.24.15 today, and what an existing
    /// `node_modules` holds cannot be known. `npm audit` names the same advisories; this rule also
    /// writes the range that fixes them.
    ///
    /// Sources: the advisories' records in the GitHub advisory database (affected ranges as
    /// published 2026-07-23; the table is `transforms/src/advisories.rs`) and "Auth.js security
    /// update: July 2026" (Better Auth blog, 2026-07-21).
    ///
    /// ## Example
    /// ```json
    /// { "dependencies": { "next-auth": "5.0.0-beta.25" } }
    /// ```
    /// Use instead:
    /// ```json
    /// { "dependencies": { "next-auth": "5.0.0-beta.32" } }
    /// ```
    /// then reinstall with the project's package manager (`pnpm install`, …).
    ///
    /// ## Fix safety
    /// Unsafe: it raises the range in package.json to the fixed version of the same line
    /// (operator kept: `^4.24.5` → `^4.24.15`, `5.0.0-beta.25` → `5.0.0-beta.32`); the upgrade
    /// changes the installed code. The lockfile is never edited: the message says which install
    /// command updates it. No fix for ranges it cannot rewrite (`||`, dist-tags, `catalog:`), for
    /// a major upgrade (v3), for an `@auth/core` that only arrives through another package, or
    /// when package.json already requires a fixed version and only the lockfile is behind.
    ///
    /// ## References
    /// - <https://github.com/nextauthjs/next-auth/security/advisories>
    /// - <https://github.com/advisories/GHSA-8fpg-xm3f-6cx3>
    pub struct VulnerableAuthVersion {
        code: "V001",
        name: "vulnerable-auth-version",
        fix: Sometimes,
        applicability: [Unsafe],
        severity: Error,
        summary: "the resolved next-auth / @auth/core version has published security advisories",
    }
}

impl Rule for VulnerableAuthVersion {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if !project.exists(PACKAGE_JSON) {
            return;
        }
        let mut next_auth_reported = false;
        for pkg in [Pkg::NextAuth, Pkg::AuthCore] {
            let name = pkg.name();
            let Some(r) = project.facts.versions.get(name) else { continue };
            let rows = advisories::affecting(pkg, &r.version);
            if rows.is_empty() {
                continue;
            }
            // next-auth v5 pins its @auth/core exactly: raising next-auth raises it too.
            if pkg == Pkg::AuthCore && next_auth_reported && vc::dep(project, name).is_none() {
                continue;
            }
            let all: Vec<&Advisory> = advisories::ADVISORIES.iter().filter(|a| a.pkg == pkg).collect();
            let safe = advisories::first_safe(&all, &r.version);
            if !vc::known(project, name, r, safe.as_ref()) {
                continue;
            }
            let dep = vc::dep(project, name);
            let anchor = dep.clone().or_else(|| vc::dep(project, "next-auth"));
            let (start, end) = anchor.as_ref().map_or((0, 0), |d| (d.start, d.end));
            let list: Vec<String> = rows.iter().map(|a| format!("{} ({})", a.id, a.short)).collect();
            let fixed = safe.as_ref().map_or_else(|| "a newer release".to_string(), |s| s.to_string());
            let what = if r.from_lockfile {
                format!("`{name}` {} ({})", r.version, vc::source(project, r))
            } else {
                format!("every `{name}` version package.json allows (`{}`, no lockfile)", dep.as_ref().map_or("", |d| d.range.as_str()))
            };
            let message = format!(
                "{what} is affected by {} published advisor{}: {}; fixed in {fixed}",
                rows.len(),
                if rows.len() == 1 { "y" } else { "ies" },
                list.join(", ")
            );
            let d = Diagnostic::new(&Self::META, PACKAGE_JSON, start, end, message);
            next_auth_reported |= pkg == Pkg::NextAuth;
            let install = project.facts.versions.install_command();
            let Some(safe) = safe else {
                out.push(d.with_note("No fixed release is known on this line."));
                continue;
            };
            // A lockfile keeps any version the range still admits: only a higher floor makes the
            // next install move.
            let floor = dep.as_ref().and_then(|d| crate::versions::range_floor(&d.range));
            match &dep {
                Some(dep) if floor.as_ref().is_some_and(|f| f >= &safe) => {
                    out.push(d.with_note(format!(
                        "package.json already requires {safe} (`{}`): the lockfile is behind it. Run {install} to update it (never edit the lockfile by hand).",
                        dep.range
                    )));
                }
                Some(dep) => match vc::bumped(&dep.range, &safe) {
                    Some(new) => out.push(
                        d.with_note(format!("After the fix, run {install} so the lockfile and node_modules get {safe} (the lockfile is never edited by hand)."))
                            .with_fix(Fix::new(Applicability::Unsafe, format!("Raise `{name}` to `{new}` in package.json"), vec![vc::replace_range(dep, &new)])),
                    ),
                    None => out.push(d.with_note(format!("Change the `{name}` range in package.json to require {safe} or newer, then run {install}."))),
                },
                None => out.push(d.with_note(format!(
                    "`{name}` comes in through another package (the `@auth/*` adapters pin it exactly): update those packages (next-auth {}, or the adapter's latest), then run {install}.",
                    if project.facts.auth_major == Some(4) { "4.24.15" } else { "5.0.0-beta.32" }
                ))),
            }
        }
    }
}
