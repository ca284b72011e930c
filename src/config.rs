//! `authfix.toml`, found upward from PATH: which rules run and at what severity.
//!
//! ```toml
//! [rules]
//! select = ["P", "S001"]        # codes, names or code prefixes; default: all
//! ignore = ["C004"]
//! [rules.severity]
//! C004 = "warning"              # or "error"
//! ```
//! Resolution follows ruff: selections are applied in order of priority — the file, then the
//! command line. A level's `select` starts the rule set afresh (everything below it is
//! discarded, the file's `ignore` included); its `ignore` then removes rules from the set. So
//! `--select C001` runs C001 even when the file ignores it, and `--ignore X` adds to the
//! file's ignores.
use crate::cli::Selection;
use authfix_transforms::{rules, Rule, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub rules: RulesConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
}

/// The nearest `authfix.toml` at or above `start`.
pub fn find(start: &Path) -> Option<PathBuf> {
    let mut dir = start.canonicalize().ok()?;
    loop {
        let c = dir.join("authfix.toml");
        if c.is_file() {
            return Some(c);
        }
        if !dir.pop() {
            return None;
        }
    }
}

pub fn load(start: &Path) -> Result<(Config, Option<PathBuf>), String> {
    let Some(path) = find(start) else { return Ok((Config::default(), None)) };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let cfg: Config = toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.message()))?;
    Ok((cfg, Some(path)))
}

fn resolve_patterns(pats: &[String]) -> Result<Vec<&'static str>, String> {
    let mut codes = Vec::new();
    for p in pats {
        codes.extend(crate::registry::rules_matching(p)?.into_iter().map(|r| r.meta().code));
    }
    Ok(codes)
}

/// The rules to run and the severity overrides.
#[derive(Debug)]
pub struct Resolved {
    pub rules: Vec<&'static dyn Rule>,
    pub severity: BTreeMap<&'static str, Severity>,
}

pub fn resolve(cfg: &Config, cli: &Selection) -> Result<Resolved, String> {
    // Every rule, then each level (file, command line) in priority order.
    let mut set: Vec<&'static str> = rules::all().iter().map(|r| r.meta().code).collect();
    for (select, ignore) in [(&cfg.rules.select, &cfg.rules.ignore), (&cli.select, &cli.ignore)] {
        if !select.is_empty() {
            set = resolve_patterns(select)?;
        }
        let ignored = resolve_patterns(ignore)?;
        set.retain(|c| !ignored.contains(c));
    }
    let rules: Vec<&'static dyn Rule> = rules::all().into_iter().filter(|r| set.contains(&r.meta().code)).collect();
    let mut severity = BTreeMap::new();
    for (k, v) in &cfg.rules.severity {
        let sev = match v.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            other => return Err(format!("severity of {k} must be \"error\" or \"warning\", not {other:?}")),
        };
        let matched = resolve_patterns(std::slice::from_ref(k)).map_err(|e| format!("[rules.severity]: {e}"))?;
        for c in matched {
            severity.insert(c, sev);
        }
    }
    Ok(Resolved { rules, severity })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(s: &[&str], i: &[&str]) -> Selection {
        Selection { select: s.iter().map(|x| x.to_string()).collect(), ignore: i.iter().map(|x| x.to_string()).collect() }
    }

    #[test]
    fn select_ignore_and_cli_override() {
        let cfg: Config = toml::from_str("[rules]\nselect = [\"P\", \"C001\"]\nignore = [\"P002\"]\n[rules.severity]\nC001 = \"warning\"\n").unwrap();
        let r = resolve(&cfg, &sel(&[], &[])).unwrap();
        let codes: Vec<&str> = r.rules.iter().map(|r| r.meta().code).collect();
        assert!(codes.contains(&"P001") && codes.contains(&"C001") && !codes.contains(&"P002") && !codes.contains(&"S001"));
        assert_eq!(r.severity.get("C001"), Some(&Severity::Warning));
        let r = resolve(&cfg, &sel(&["S001"], &[])).unwrap();
        assert_eq!(r.rules.iter().map(|r| r.meta().code).collect::<Vec<_>>(), vec!["S001"]);
    }

    #[test]
    fn the_highest_priority_select_starts_the_set() {
        let codes = |r: Resolved| r.rules.iter().map(|r| r.meta().code).collect::<Vec<_>>();
        let cfg: Config = toml::from_str("[rules]\nignore = [\"C001\"]\n").unwrap();
        assert!(!codes(resolve(&cfg, &sel(&[], &[])).unwrap()).contains(&"C001"));
        // Bug: the file's ignore used to win over `--select C001`.
        assert_eq!(codes(resolve(&cfg, &sel(&["C001"], &[])).unwrap()), vec!["C001"]);
        // The command line's ignores add to the file's.
        let r = codes(resolve(&cfg, &sel(&[], &["S001"])).unwrap());
        assert!(!r.contains(&"C001") && !r.contains(&"S001") && r.contains(&"P001"));
        // Within one level, ignore applies after select.
        assert_eq!(codes(resolve(&Config::default(), &sel(&["C"], &["C002", "C003", "C004", "C005", "C006"])).unwrap()), vec!["C001"]);
        // A001 is a rule like the others.
        assert!(!codes(resolve(&Config::default(), &sel(&[], &["A001"])).unwrap()).contains(&"A001"));
        assert_eq!(codes(resolve(&Config::default(), &sel(&["A001"], &[])).unwrap()), vec!["A001"]);
    }

    #[test]
    fn unknown_rules_and_keys_are_errors() {
        assert!(resolve(&Config::default(), &sel(&["D001"], &[])).unwrap_err().contains("doctor"));
        assert!(resolve(&Config::default(), &sel(&["Z999"], &[])).is_err());
        assert!(toml::from_str::<Config>("[rulez]\n").is_err());
        let cfg: Config = toml::from_str("[rules.severity]\nC001 = \"fatal\"\n").unwrap();
        assert!(resolve(&cfg, &sel(&[], &[])).is_err());
    }
}
