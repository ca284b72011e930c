//! Secret values the output must never show: every report, code frame, diff and JSON masks them.
use crate::dotenv;
use crate::project::Project;

/// Keys whose values are secrets.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    ["SECRET", "PASSWORD", "TOKEN", "PRIVATE_KEY", "API_KEY", "DATABASE_URL"].iter().any(|s| k.contains(s))
}

/// Secret values found in the project: env-file values under secret-looking keys, string
/// literals assigned to `secret`/`clientSecret`/`password`, and the fresh secret the fixes may
/// write. Values shorter than 4 characters are not masked (they would mask ordinary text).
pub fn collect(project: &Project) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for path in project.paths() {
        let text = project.text(path).unwrap_or("");
        if dotenv::is_env_file(path) {
            for e in dotenv::parse(text) {
                if is_secret_key(&e.key) && e.value.len() >= 4 {
                    out.push(e.value);
                }
            }
        } else if (path.ends_with(".yml") || path.ends_with(".yaml") || crate::parse::is_source_path(path))
            && (text.contains("ecret") || text.contains("ECRET") || text.contains("assword") || text.contains("ASSWORD"))
        {
            for line in text.lines() {
                let l = line.trim_start();
                let lower = l.to_ascii_lowercase();
                if !(lower.contains("secret") || lower.contains("password")) {
                    continue;
                }
                // `secret: "value"`, `AUTH_SECRET: value`, `AUTH_SECRET="value"`
                let Some(i) = l.find([':', '=']) else { continue };
                let v = l[i + 1..].trim().trim_end_matches([',', ';']).trim();
                let v = v.trim_matches(|c| c == '"' || c == '\'' || c == '`');
                if v.len() >= 8 && !v.contains("process.env") && !v.contains("${{") && !v.contains(' ') && !v.contains('(') {
                    out.push(v.to_string());
                }
            }
        }
    }
    if let Some(s) = &project.facts.fresh_secret {
        out.push(s.clone());
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out.dedup();
    out
}

/// Replace every secret in `text` with `***`.
pub fn mask(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), "***");
        }
    }
    out
}
