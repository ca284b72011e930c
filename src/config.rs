//! `authfix.toml`, found upward from PATH: which rules run and at what severity.
//!
//! ```toml
//! [rules]
//! select = ["P", "S001"]        # codes, names or code prefixes; default: all
//! ignore = ["C004"]
//! [rules.severity]
//! C004 = "warning"              # or "error"
//! ```
//! `--select` / `--ignore` on the command line replace the file's lists.
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

fn matches(r: &dyn Rule, pat: &str) -> bool {
    let m = r.meta();
    m.code.eq_ignore_ascii_case(pat) || m.name == pat || (!pat.is_empty() && m.code.to_ascii_uppercase().starts_with(&pat.to_ascii_uppercase()))
}

fn check_known(pats: &[String]) -> Result<(), String> {
    for p in pats {
        if !rules::all().iter().any(|r| matches(*r, p)) {
            return Err(format!("unknown rule {p:?} (see `authfix rules`)"));
        }
    }
    Ok(())
}

/// The rules to run and the severity overrides.
pub struct Resolved {
    pub rules: Vec<&'static dyn Rule>,
    pub severity: BTreeMap<&'static str, Severity>,
}

pub fn resolve(cfg: &Config, cli: &Selection) -> Result<Resolved, String> {
    let select = if cli.select.is_empty() { &cfg.rules.select } else { &cli.select };
    let ignore = if cli.ignore.is_empty() { &cfg.rules.ignore } else { &cli.ignore };
    check_known(select)?;
    check_known(ignore)?;
    let rules: Vec<&'static dyn Rule> = rules::all()
        .into_iter()
        .filter(|r| select.is_empty() || select.iter().any(|p| matches(*r, p)))
        .filter(|r| !ignore.iter().any(|p| matches(*r, p)))
        .collect();
    let mut severity = BTreeMap::new();
    for (k, v) in &cfg.rules.severity {
        let sev = match v.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            other => return Err(format!("severity of {k} must be \"error\" or \"warning\", not {other:?}")),
        };
        let matched: Vec<&'static str> = rules::all().into_iter().filter(|r| matches(*r, k)).map(|r| r.meta().code).collect();
        if matched.is_empty() {
            return Err(format!("unknown rule {k:?} in [rules.severity]"));
        }
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
    fn unknown_rules_and_keys_are_errors() {
        assert!(resolve(&Config::default(), &sel(&["Z999"], &[])).is_err());
        assert!(toml::from_str::<Config>("[rulez]\n").is_err());
        let cfg: Config = toml::from_str("[rules.severity]\nC001 = \"fatal\"\n").unwrap();
        assert!(resolve(&cfg, &sel(&[], &[])).is_err());
    }
}
