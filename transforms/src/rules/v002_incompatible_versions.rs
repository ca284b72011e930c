use crate::declare_rule;
use crate::project::Project;
use crate::rule::{Applicability, Diagnostic, Fix, Rule, RuleMeta, Severity};
use crate::rules::version_common::{self as vc, PACKAGE_JSON};
use crate::versions::{self, v, ResolvedVersion, Version};

declare_rule! {
    /// ## What it does
    /// Checks the resolved `next` / `next-auth` pair against what next-auth itself declares and
    /// does: its `peerDependencies.next` range for that release, and whether that release awaits
    /// `headers()` / `cookies()`. Reported pairs:
    /// - Next 16 with next-auth below 4.24.12 (v4) or 5.0.0-beta.30 (v5): outside the peer range;
    ///   below 4.24.9 / 5.0.0-beta.24 the session code also calls `headers()`/`cookies()` without
    ///   `await`, which Next 16 removed, so every session read throws.
    /// - Next 15 with next-auth below 4.24.9 or 5.0.0-beta.19 (outside the peer range); with
    ///   5.0.0-beta.19–23 (inside it, but the un-awaited calls Next 15 deprecates): a warning.
    /// - next-auth v5 with Next below 14, and older v4 releases on a newer Next, by their peer
    ///   ranges.
    ///
    /// ## Why is this bad?
    /// npm refuses to install a pair outside the peer range (`ERESOLVE`) unless
    /// `--legacy-peer-deps` hides it; pnpm and yarn install it with a warning, and then the
    /// un-awaited `headers()`/`cookies()` calls break at run time on Next 16.
    ///
    /// Bounds, read from the packages (December 2026): the peer ranges are each release's
    /// `peerDependencies.next` on the npm registry (`^15` first in 4.24.9, `^16` in 4.24.12;
    /// `^15.0.0-0` in 5.0.0-beta.19, `^16.0.0` in 5.0.0-beta.30, `^14` from 5.0.0-beta.3); the
    /// `await` is in `packages/next-auth/src/next/index.ts` from 4.24.9 (4.24.8 calls
    /// `headers()` bare) and in `src/lib/index.ts` / `src/lib/actions.ts` from 5.0.0-beta.24. (The
    /// issue that asked for this rule put the v4 bound for Next 15 at 4.24.10; 4.24.9's code and
    /// peer range already support it, so 4.24.9 is used.)
    ///
    /// Only exact versions count: a lockfile entry, or an exact pin in package.json. A range
    /// installs whatever is newest, which these bounds cannot judge.
    ///
    /// ## Example
    /// ```json
    /// { "dependencies": { "next": "16.1.0", "next-auth": "4.24.7" } }
    /// ```
    /// Use instead:
    /// ```json
    /// { "dependencies": { "next": "16.1.0", "next-auth": "4.24.15" } }
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: it raises the `next-auth` range in package.json to the current release of its
    /// line (4.24.15 / 5.0.0-beta.32, which also clears V001), keeping the operator; the upgrade
    /// changes installed code, and the lockfile is updated by the project's package manager, not by
    /// authfix. No fix when Next itself is too old for v5 (upgrade Next, or stay on v4), or for a
    /// range it cannot rewrite.
    pub struct IncompatibleVersions {
        code: "V002",
        name: "incompatible-versions",
        fix: Sometimes,
        applicability: [Unsafe],
        severity: Error,
        summary: "the installed next-auth release does not support the installed Next.js major",
    }
}

/// `(first release, peerDependencies.next)` per line, from the npm registry.
const V4_PEERS: &[(&str, &str)] = &[
    ("4.11.0", "12.2.5"),
    ("4.12.1", "^12.2.5"),
    ("4.15.1", "^12.2.5 || ^13"),
    ("4.24.4", "^12.2.5 || ^13 || ^14"),
    ("4.24.9", "^12.2.5 || ^13 || ^14 || ^15"),
    ("4.24.12", "^12.2.5 || ^13 || ^14 || ^15 || ^16"),
];
const V5_PEERS: &[(&str, &str)] = &[
    ("5.0.0-beta.2", "^13.5.3"),
    ("5.0.0-beta.3", "^14"),
    ("5.0.0-beta.19", "^14 || ^15.0.0-0"),
    ("5.0.0-beta.20", "^14.0.0-0 || ^15.0.0-0"),
    ("5.0.0-beta.30", "^14.0.0-0 || ^15.0.0 || ^16.0.0"),
];
/// The current release of each line (the fix's target).
const V4_TARGET: &str = "4.24.15";
const V5_TARGET: &str = "5.0.0-beta.32";

fn peer_range(na: &Version) -> Option<&'static str> {
    let table = match na.major() {
        4 => V4_PEERS,
        5 => V5_PEERS,
        _ => return None,
    };
    table.iter().rev().find(|(first, _)| na >= &v(first)).map(|(_, r)| *r)
}

/// Whether this release calls `headers()`/`cookies()` without `await`.
fn sync_dynamic_apis(na: &Version) -> bool {
    match na.major() {
        4 => na < &v("4.24.9"),
        5 => na < &v("5.0.0-beta.24"),
        _ => false,
    }
}

/// An exact version: from the lockfile, or pinned exactly in package.json.
fn exact(project: &Project, name: &str, r: &ResolvedVersion) -> bool {
    r.from_lockfile || vc::dep(project, name).is_some_and(|d| versions::exact(&d.range).is_some())
}

impl Rule for IncompatibleVersions {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let vs = &project.facts.versions;
        let (Some(nx), Some(na)) = (vs.get("next"), vs.get("next-auth")) else { return };
        if !exact(project, "next", nx) || !exact(project, "next-auth", na) || nx.version.is_prerelease() {
            return;
        }
        let Some(dep) = vc::dep(project, "next-auth") else { return };
        let (next, auth) = (&nx.version, &na.version);
        let Some(peer) = peer_range(auth) else { return };
        let peer_ok = versions::range_admits(peer, next).unwrap_or(true);
        let sync = sync_dynamic_apis(auth);
        let (severity, why) = if next.major() >= 16 && sync {
            let peer_too = if peer_ok { String::new() } else { format!("; its peer range (`next` {peer}) excludes Next 16 too") };
            (
                Severity::Error,
                format!("it calls `headers()`/`cookies()` without `await`, which Next 16 removed, so every session read in an App Router page, route handler or action throws{peer_too}"),
            )
        } else if !peer_ok {
            (Severity::Error, format!("its peer range is `next` {peer}: npm refuses to install the pair (ERESOLVE) unless `--legacy-peer-deps` hides it, and pnpm/yarn install a pair next-auth was never released for"))
        } else if next.major() == 15 && sync {
            (
                Severity::Warning,
                "it calls `headers()`/`cookies()` without `await`: Next 15 still allows it with a warning on every call, and Next 16 removes it".to_string(),
            )
        } else {
            return;
        };
        let verb = if severity == Severity::Error { "does not support" } else { "predates the async request APIs of" };
        let message = format!("`next-auth` {auth} {verb} `next` {next} ({}): {why}", vc::source(project, na).replace("resolved in", "from"));
        let mut d = Diagnostic::new(&Self::META, PACKAGE_JSON, dep.start, dep.end, message);
        d.severity = severity;
        let target = v(if auth.major() == 4 { V4_TARGET } else { V5_TARGET });
        let install = vs.install_command();
        let target_ok = peer_range(&target).and_then(|p| versions::range_admits(p, next)).unwrap_or(false);
        if auth.major() == 5 && next.major() < 14 {
            out.push(d.with_note("next-auth v5 needs Next 14 or newer: upgrade `next`, or stay on next-auth v4 (4.24.15)."));
            return;
        }
        if versions::range_floor(&dep.range).is_some_and(|f| f >= target) {
            out.push(d.with_note(format!(
                "package.json already requires {target} (`{}`): the lockfile is behind it. Run {install} (never edit the lockfile by hand).",
                dep.range
            )));
            return;
        }
        if !target_ok || auth >= &target {
            out.push(d.with_note(format!("Upgrade `next-auth` to a release that supports `next` {next}, then run {install}.")));
            return;
        }
        match vc::bumped(&dep.range, &target) {
            Some(new) => out.push(d.with_note(format!("After the fix, run {install} (the lockfile is never edited by hand).")).with_fix(Fix::new(
                Applicability::Unsafe,
                format!("Raise `next-auth` to `{new}` in package.json"),
                vec![vc::replace_range(&dep, &new)],
            ))),
            None => out.push(d.with_note(format!("Change the `next-auth` range in package.json to {target}, then run {install}."))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_and_sync_apis() {
        assert_eq!(peer_range(&v("4.24.11")), Some("^12.2.5 || ^13 || ^14 || ^15"));
        assert_eq!(peer_range(&v("4.24.12")), Some("^12.2.5 || ^13 || ^14 || ^15 || ^16"));
        assert_eq!(peer_range(&v("5.0.0-beta.25")), Some("^14.0.0-0 || ^15.0.0-0"));
        assert_eq!(peer_range(&v("5.0.0-beta.32")), Some("^14.0.0-0 || ^15.0.0 || ^16.0.0"));
        assert_eq!(peer_range(&v("4.10.0")), None, "no peer range before 4.11.0");
        assert!(sync_dynamic_apis(&v("4.24.8")) && !sync_dynamic_apis(&v("4.24.9")));
        assert!(sync_dynamic_apis(&v("5.0.0-beta.23")) && !sync_dynamic_apis(&v("5.0.0-beta.24")));
    }
}
