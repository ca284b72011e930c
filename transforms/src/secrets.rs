//! Secret values the output must never show: every report, code frame, diff and JSON masks them.
use crate::dotenv;
use crate::project::Project;

/// Keys whose values are secrets.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    ["SECRET", "PASSWORD", "TOKEN", "PRIVATE_KEY", "API_KEY", "DATABASE_URL"].iter().any(|s| k.contains(s))
}

/// Secret values found in the project: env-file values under secret-looking keys, and every
/// value assigned to a key containing `secret` or `password` (`secret: "…"`, `AUTH_SECRET: …`,
/// `AUTH_SECRET=…` in shell lines and YAML), plus the fresh secret the fixes may write. In JS/TS
/// only quoted literals count (`secret: authSecret` names a variable, not a value).
pub fn collect(project: &Project) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // Data files (env files, workflows, Compose files…) are few: read here.
    for path in project.data_files() {
        let text = project.text(path).unwrap_or("");
        if dotenv::is_env_file(path) {
            for e in dotenv::parse(text) {
                if is_secret_key(&e.key) && e.value.len() >= MIN_LEN {
                    out.push(e.value);
                }
            }
        }
        scan_text(text, false, &mut out);
    }
    // Sources mentioning a secret come from the project's literal index (one pass over each
    // file for every literal the rules look for).
    let mut mentioning: Vec<&str> = SECRET_WORDS.iter().flat_map(|w| project.source_files_containing(w)).collect();
    mentioning.sort_unstable();
    mentioning.dedup();
    for path in mentioning {
        scan_text(project.text(path).unwrap_or(""), true, &mut out);
    }
    if let Some(s) = &project.facts.fresh_secret {
        out.push(s.clone());
    }
    // Longest first (a value that contains another is masked whole).
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    out.dedup();
    out
}

/// The lines of `text` that mention a secret, scanned for values.
fn scan_text(text: &str, code: bool, out: &mut Vec<String>) {
    if !mentions_secret(text) {
        return;
    }
    for line in text.lines().filter(|l| mentions_secret(l)) {
        scan_line(line, code, out);
    }
}

/// `secret` or `password` (any common casing): SIMD substring searches, most files mention neither.
/// The words that make a file worth reading line by line for secrets.
pub const SECRET_WORDS: [&str; 4] = ["ecret", "ECRET", "assword", "ASSWORD"];

fn mentions_secret(text: &str) -> bool {
    use std::sync::OnceLock;
    static FINDERS: OnceLock<Vec<memchr::memmem::Finder<'static>>> = OnceLock::new();
    let finders = FINDERS.get_or_init(|| SECRET_WORDS.iter().map(|n| memchr::memmem::Finder::new(n.as_bytes())).collect());
    finders.iter().any(|f| f.find(text.as_bytes()).is_some())
}

/// Shorter values are not masked: they would mask ordinary words.
const MIN_LEN: usize = 6;

/// Values assigned to secret-looking keys on one line.
fn scan_line(line: &str, code: bool, out: &mut Vec<String>) {
    let lower = line.to_ascii_lowercase();
    let b = line.as_bytes();
    for word in ["secret", "password"] {
        for (idx, _) in lower.match_indices(word) {
            let mut j = idx + word.len();
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                j += 1; // the closing quote of a quoted key
            }
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            if j >= b.len() || !(b[j] == b':' || b[j] == b'=') {
                continue;
            }
            if j + 1 < b.len() && (b[j + 1] == b'=' || b[j + 1] == b'>') {
                continue; // `==`, `=>`
            }
            j += 1;
            while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
                j += 1;
            }
            if j >= b.len() {
                continue;
            }
            let value = if matches!(b[j], b'"' | b'\'' | b'`') {
                let q = b[j] as char;
                match line[j + 1..].find(q) {
                    Some(end) => &line[j + 1..j + 1 + end],
                    None => continue,
                }
            } else if code {
                continue;
            } else {
                let end = line[j..].find(|c: char| c.is_whitespace() || ",;)}\"'`#".contains(c)).map_or(line.len(), |e| j + e);
                &line[j..end]
            };
            let v = value.trim();
            let is_reference =
                v.contains("process.env") || v.starts_with("${") || v.starts_with("$(") || v.starts_with('$') || v.starts_with("secrets.") || v.contains("${{");
            if v.len() >= MIN_LEN && !is_reference && !v.contains(' ') {
                out.push(v.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(line: &str, code: bool) -> Vec<String> {
        let mut v = Vec::new();
        scan_line(line, code, &mut v);
        v
    }

    #[test]
    fn finds_every_shape() {
        assert_eq!(found(r#"export const { auth } = NextAuth({ providers: [], secret: "s3cr3t-value" });"#, true), vec!["s3cr3t-value"]);
        assert_eq!(found(r#"  secret: "s3cr3t-value", // comment"#, true), vec!["s3cr3t-value"]);
        assert_eq!(found(r#"export default withAuth({ secret: 'abc123xyz' });"#, true), vec!["abc123xyz"]);
        assert_eq!(found(r#"  env: { AUTH_SECRET: "abc123xyz", NEXTAUTH_URL: "http://x" },"#, true), vec!["abc123xyz"]);
        assert_eq!(found("        run: AUTH_SECRET=abc123xyz npm run build", false), vec!["abc123xyz"]);
        assert_eq!(found(r#"        run: echo "AUTH_SECRET=abc123xyz" >> .env"#, false), vec!["abc123xyz"]);
        assert_eq!(found("      AUTH_SECRET: abc123xyz", false), vec!["abc123xyz"]);
        assert_eq!(found(r#"  secret: "short6","#, true), vec!["short6"]);
    }

    #[test]
    fn leaves_references_alone() {
        assert!(found("  secret: process.env.AUTH_SECRET,", true).is_empty());
        assert!(found("  secret: authSecret,", true).is_empty());
        assert!(found("      AUTH_SECRET: ${{ secrets.AUTH_SECRET }}", false).is_empty());
        assert!(found("        run: AUTH_SECRET=$(openssl rand -base64 32) npm run build", false).is_empty());
        assert!(found("  if (secret === x) {}", true).is_empty());
        assert!(found(r#"  secret: "abc","#, true).is_empty());
    }
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
