//! Package versions as the rules see them: the exact version a lockfile resolves (prereleases
//! ordered as npm orders them: `5.0.0-beta.31` < `5.0.0-beta.32` < `5.0.0`), or — without a
//! lockfile entry — the lowest version the package.json range admits, which is *not* the installed
//! version. The CLI fills [`Versions`]; rules compare with [`Version`]'s ordering and read the
//! ranges with [`Range`] (npm's semantics, from the `nodejs-semver` crate: `^`, `~`, x-ranges,
//! hyphen ranges and `||`, which the `semver` crate reads with Cargo's rules instead).
pub use nodejs_semver::{Range, Version};
use std::collections::BTreeMap;

/// One package's version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedVersion {
    /// From the lockfile: the installed version. Otherwise the floor of the package.json range
    /// (`^4.24.5` → 4.24.5): say "at least", or stay silent.
    pub version: Version,
    pub from_lockfile: bool,
}

/// The versions of the packages the security rules compare (`next`, `next-auth`, `@auth/core`),
/// and the lockfile they came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Versions {
    pub packages: BTreeMap<String, ResolvedVersion>,
    /// The lockfile read, relative to the app root (`pnpm-lock.yaml`, or `../../pnpm-lock.yaml`
    /// at a workspace root); `None` when there is none.
    pub lockfile: Option<String>,
}

impl Versions {
    pub fn get(&self, name: &str) -> Option<&ResolvedVersion> {
        self.packages.get(name)
    }

    /// The package manager the lockfile belongs to (`pnpm`, `yarn`, `bun`, `npm`).
    pub fn package_manager(&self) -> Option<&'static str> {
        let f = self.lockfile.as_deref()?;
        let name = f.rsplit('/').next().unwrap_or(f);
        Some(match name {
            "pnpm-lock.yaml" => "pnpm",
            "yarn.lock" => "yarn",
            "bun.lock" | "bun.lockb" => "bun",
            _ => "npm",
        })
    }

    /// The command that reinstalls after a package.json change, for a message: `` `pnpm install` ``,
    /// or a description when there is no lockfile.
    pub fn install_command(&self) -> String {
        match self.package_manager() {
            Some(pm) => format!("`{pm} install`"),
            None => "your package manager's install (`npm install`, `pnpm install`, …)".into(),
        }
    }
}

/// Parse an exact version (`5.0.0-beta.32`), `None` for anything else.
pub fn exact(s: &str) -> Option<Version> {
    let s = s.trim();
    if s.is_empty() || !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Version::parse(s).ok()
}

/// The lowest version a package.json range admits (`^4.24.5` → 4.24.5, `5.0.0-beta.25` →
/// 5.0.0-beta.25); `None` for dist-tags, `workspace:`, `catalog:`, URLs.
pub fn range_floor(range: &str) -> Option<Version> {
    let r = range.trim();
    if r.contains(':') || r.contains('/') {
        return None;
    }
    Range::parse(r).ok()?.min_version()
}

/// Whether a package.json range admits `v` (prereleases included, as npm does for a range whose
/// comparator names a prerelease of the same `major.minor.patch`). `None` when it does not parse.
pub fn range_admits(range: &str, v: &Version) -> Option<bool> {
    let r = range.trim();
    if r.contains(':') || r.contains('/') {
        return None;
    }
    Some(Range::parse(r).ok()?.satisfies(v))
}

/// `lo <= v < hi`, with npm's prerelease ordering (an advisory's `introduced`/`fixed` events).
pub fn in_interval(v: &Version, lo: &str, hi: &str) -> bool {
    let (Some(lo), Some(hi)) = (Version::parse(lo).ok(), Version::parse(hi).ok()) else { return false };
    &lo <= v && v < &hi
}

pub fn v(s: &str) -> Version {
    Version::parse(s).unwrap_or_else(|_| panic!("bad version literal {s}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prerelease_ordering() {
        assert!(v("5.0.0-beta.31") < v("5.0.0-beta.32"));
        assert!(v("5.0.0-beta.9") < v("5.0.0-beta.10"), "numeric identifiers compare as numbers");
        assert!(v("5.0.0-beta.32") < v("5.0.0"));
        assert!(v("4.24.15") < v("5.0.0-beta.1"));
        assert!(in_interval(&v("5.0.0-beta.31"), "5.0.0-beta.0", "5.0.0-beta.32"));
        assert!(!in_interval(&v("5.0.0-beta.32"), "5.0.0-beta.0", "5.0.0-beta.32"));
        assert!(!in_interval(&v("5.0.0-beta.1"), "0.0.0", "4.24.15"));
    }

    #[test]
    fn ranges() {
        assert_eq!(range_floor("^4.24.5"), Some(v("4.24.5")));
        assert_eq!(range_floor("5.0.0-beta.25"), Some(v("5.0.0-beta.25")));
        assert_eq!(range_floor("~15.2"), Some(v("15.2.0")));
        assert_eq!(range_floor("beta"), None);
        assert_eq!(range_floor("workspace:*"), None);
        assert_eq!(range_admits("^4.24.5", &v("4.24.15")), Some(true));
        assert_eq!(range_admits("4.24.5", &v("4.24.15")), Some(false));
        assert_eq!(range_admits("^5.0.0-beta.25", &v("5.0.0-beta.32")), Some(true));
        assert_eq!(range_admits("5.0.0-beta.25", &v("5.0.0-beta.32")), Some(false));
        assert_eq!(range_admits("~4.23.0", &v("4.24.15")), Some(false));
        assert_eq!(range_admits(">=15 <15.2.3", &v("15.2.3")), Some(false));
        assert_eq!(range_admits("^12.2.5 || ^13 || ^14 || ^15", &v("16.0.0")), Some(false));
        assert_eq!(range_admits("^14.0.0-0 || ^15.0.0 || ^16.0.0", &v("16.4.6")), Some(true));
        assert_eq!(exact("^4.24.5"), None);
        assert_eq!(exact("4.24.5"), Some(v("4.24.5")));
    }

    #[test]
    fn package_manager_from_lockfile() {
        let mut vs = Versions::default();
        assert_eq!(vs.package_manager(), None);
        vs.lockfile = Some("../../pnpm-lock.yaml".into());
        assert_eq!(vs.package_manager(), Some("pnpm"));
        assert_eq!(vs.install_command(), "`pnpm install`");
        vs.lockfile = Some("yarn.lock".into());
        assert_eq!(vs.package_manager(), Some("yarn"));
    }
}
