//! What the V rules share: a dependency's entry in package.json (its range and the byte span of
//! the range string, read with jsonc-parser's AST so an edit replaces only those bytes), a range
//! bumped to a new floor in the same operator style, and whether a version is known to be
//! installed.
use crate::edit::Edit;
use crate::project::Project;
use crate::rule::Change;
use crate::versions::{self, ResolvedVersion, Version};

pub const PACKAGE_JSON: &str = "package.json";

/// A dependency as package.json writes it.
#[derive(Clone, Debug)]
pub struct Dep {
    /// The range as written (`^4.24.5`).
    pub range: String,
    /// Byte span of the range's characters (inside the quotes).
    pub start: usize,
    pub end: usize,
}

/// The entry for `name` in the app's package.json (the first section that lists it).
pub fn dep(project: &Project, name: &str) -> Option<Dep> {
    let text = project.text(PACKAGE_JSON)?;
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default()).ok()?;
    let root = parsed.value?;
    let jsonc_parser::ast::Value::Object(obj) = root else { return None };
    for section in ["dependencies", "devDependencies", "peerDependencies"] {
        let Some(sec) = obj.get_object(section) else { continue };
        let Some(lit) = sec.get_string(name) else { continue };
        let (s, e) = (lit.range.start, lit.range.end);
        let raw = text.get(s..e)?;
        // The literal's range includes its quotes; the edit replaces what is inside them, and only
        // when the raw text is the plain value (no escapes).
        let (s, e) = if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') { (s + 1, e - 1) } else { (s, e) };
        if text.get(s..e)? != lit.value.as_ref() {
            return None;
        }
        return Some(Dep { range: lit.value.to_string(), start: s, end: e });
    }
    None
}

/// `range` rewritten to start at `target`, keeping its operator: `^4.24.5` → `^4.24.15`,
/// `~4.24.5` → `~4.24.15`, `4.24.5` → `4.24.15`, `>=4.24.5` → `>=4.24.15`. `None` for other forms
/// (`||`, hyphen and x-ranges, dist-tags, `workspace:`…), and when `target` has another major
/// than the range's floor (a major upgrade is a migration, not a bump).
pub fn bumped(range: &str, target: &Version) -> Option<String> {
    let r = range.trim();
    let (op, rest) = match r.find(|c: char| c.is_ascii_digit()) {
        Some(i) => r.split_at(i),
        None => return None,
    };
    if !["", "^", "~", ">=", "="].contains(&op) || rest.contains([' ', '|', 'x', 'X', '*']) {
        return None;
    }
    let floor = versions::exact(rest)?;
    if floor.major() != target.major() {
        return None;
    }
    Some(format!("{op}{target}"))
}

/// The change replacing a dependency's range.
pub fn replace_range(d: &Dep, new_range: &str) -> Change {
    Change::edit(PACKAGE_JSON, Edit::replace(d.start, d.end, new_range))
}

/// Where a version came from, for messages: `(from pnpm-lock.yaml)` or `(package.json allows
/// nothing newer)`.
pub fn source(project: &Project, r: &ResolvedVersion) -> String {
    if r.from_lockfile {
        match &project.facts.versions.lockfile {
            Some(l) => format!("resolved in `{l}`"),
            None => "resolved in the lockfile".into(),
        }
    } else {
        "the lowest version package.json allows".into()
    }
}

/// Whether `r` is known to be what is installed or will be: a lockfile entry, or a package.json
/// range that admits no version at or above `safe` (so every install gets an affected one). A
/// range that admits `safe` without a lockfile says nothing about the installed version.
pub fn known(project: &Project, name: &str, r: &ResolvedVersion, safe: Option<&Version>) -> bool {
    if r.from_lockfile {
        return true;
    }
    let (Some(d), Some(safe)) = (dep(project, name), safe) else { return false };
    versions::range_admits(&d.range, safe) == Some(false) && versions::range_floor(&d.range).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::versions::v;

    #[test]
    fn bump_keeps_the_operator() {
        let t = v("4.24.15");
        assert_eq!(bumped("^4.24.5", &t).as_deref(), Some("^4.24.15"));
        assert_eq!(bumped("~4.24.5", &t).as_deref(), Some("~4.24.15"));
        assert_eq!(bumped("4.24.5", &t).as_deref(), Some("4.24.15"));
        assert_eq!(bumped(">=4.24.5", &t).as_deref(), Some(">=4.24.15"));
        assert_eq!(bumped("^5.0.0-beta.25", &v("5.0.0-beta.32")).as_deref(), Some("^5.0.0-beta.32"));
        assert_eq!(bumped("^3.29.10", &t), None, "a major upgrade");
        assert_eq!(bumped("beta", &t), None);
        assert_eq!(bumped("4.x", &t), None);
        assert_eq!(bumped(">=4 <5", &t), None);
        assert_eq!(bumped("workspace:*", &t), None);
    }

    #[test]
    fn finds_the_range_span() {
        let mut p = Project::new(Default::default());
        let text = "{\n  \"dependencies\": {\n    \"next\": \"16.0.0\",\n    \"next-auth\": \"^4.24.5\"\n  }\n}\n";
        p.set_file(PACKAGE_JSON, text);
        let d = dep(&p, "next-auth").unwrap();
        assert_eq!(&text[d.start..d.end], "^4.24.5");
        assert!(dep(&p, "react").is_none());
    }
}
