//! Small text edits `init` makes to existing files, keeping every other byte.

/// Add `"name": "version"` to package.json's `dependencies` (sorted position, the file's own
/// indentation and line endings). `Ok(None)` when it is already listed in `dependencies` or
/// `devDependencies`. The result is re-parsed before it is returned.
pub fn add_dependency(text: &str, name: &str, version: &str) -> Result<Option<String>, String> {
    let parsed: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("package.json does not parse: {e}"))?;
    for key in ["dependencies", "devDependencies"] {
        if parsed.get(key).and_then(|d| d.get(name)).is_some() {
            return Ok(None);
        }
    }
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let indent = detect_indent(text);
    let entry = format!("\"{name}\": \"{version}\"");
    let out = match find_top_level_key(text, "dependencies") {
        Some(key_end) => {
            let open = key_end + text[key_end..].find('{').ok_or("package.json: dependencies is not an object")?;
            let close = open + text[open..].find('}').ok_or("package.json: unterminated dependencies")?;
            let body = &text[open + 1..close];
            if body.trim().is_empty() {
                let outer = line_indent(text, open);
                format!("{}{{{eol}{outer}{indent}{entry}{eol}{outer}}}{}", &text[..open], &text[close + 1..])
            } else {
                // Entries are `"x": "y"` separated by commas; insert before the first name that
                // sorts after ours, or after the last one.
                let mut entries: Vec<(usize, String)> = Vec::new(); // (start offset in text, key)
                let mut pos = open + 1;
                while let Some(q) = text[pos..close].find('"') {
                    let start = pos + q;
                    let end = start + 1 + text[start + 1..close].find('"').ok_or("package.json: bad key")?;
                    entries.push((start, text[start + 1..end].to_string()));
                    // skip the value string
                    let vq = end + 1 + text[end + 1..close].find('"').ok_or("package.json: bad value")?;
                    let vend = vq + 1 + text[vq + 1..close].find('"').ok_or("package.json: bad value")?;
                    pos = vend + 1;
                }
                match entries.iter().find(|(_, k)| k.as_str() > name) {
                    Some((start, _)) => {
                        let line_start = text[..*start].rfind('\n').map(|i| i + 1).unwrap_or(0);
                        let ind = &text[line_start..*start];
                        if ind.trim().is_empty() {
                            format!("{}{ind}{entry},{eol}{}", &text[..line_start], &text[line_start..])
                        } else {
                            format!("{}{entry}, {}", &text[..*start], &text[*start..])
                        }
                    }
                    None => {
                        let last_end = body.trim_end().len() + open + 1;
                        let (s, _) = entries.last().ok_or("package.json: no entries")?;
                        let line_start = text[..*s].rfind('\n').map(|i| i + 1).unwrap_or(0);
                        let ind = &text[line_start..*s];
                        let sep = if ind.trim().is_empty() { format!("{eol}{ind}") } else { " ".to_string() };
                        format!("{},{sep}{entry}{}", &text[..last_end], &text[last_end..])
                    }
                }
            }
        }
        None => {
            // No dependencies yet: add the object as the last top-level key.
            let close = text.rfind('}').ok_or("package.json is not an object")?;
            let body_end = text[..close].trim_end().len();
            let comma = if text[..body_end].trim_end().ends_with('{') { "" } else { "," };
            format!("{}{comma}{eol}{indent}\"dependencies\": {{{eol}{indent}{indent}{entry}{eol}{indent}}}{eol}{}", &text[..body_end], &text[close..])
        }
    };
    let check: serde_json::Value = serde_json::from_str(&out).map_err(|e| format!("could not add {name} to package.json ({e}); add it by hand"))?;
    if check["dependencies"][name] != version {
        return Err(format!("could not add {name} to package.json; add it by hand"));
    }
    Ok(Some(out))
}

/// The byte offset just after `"key"` at the top level of a JSON object.
fn find_top_level_key(text: &str, key: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0i32, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if depth == 1 && &text[start + 1..i] == key {
                    let rest = text[i + 1..].trim_start();
                    if rest.starts_with(':') {
                        return Some(i + 1);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn detect_indent(text: &str) -> String {
    text.lines().skip(1).map(|l| &l[..l.len() - l.trim_start().len()]).find(|ind| !ind.is_empty()).unwrap_or("  ").to_string()
}

fn line_indent(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = &text[start..];
    &line[..line.len() - line.trim_start().len()]
}

/// Append `lines` to a text file's content, keeping its line endings and ending with a newline.
pub fn append_lines(old: &str, lines: &[String]) -> String {
    let eol = if old.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = old.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    if !out.trim().is_empty() {
        out.push_str(eol);
    }
    for l in lines {
        out.push_str(l);
        out.push_str(eol);
    }
    out
}

/// True when a .gitignore already ignores `.env.local` and `.env.production.local` (matched as git
/// does, by the rules crate's `gitignore` module).
pub fn gitignore_covers_env_local(text: &str) -> bool {
    let p = authfix_transforms::gitignore::Patterns::new(text);
    [".env.local", ".env.production.local"].iter().all(|f| p.check(f, false).is_some_and(|v| v.ignored))
}

/// Keys (`NAME=`) defined in a dotenv text.
pub fn env_keys(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let l = l.strip_prefix("export ").unwrap_or(l);
            if l.starts_with('#') {
                return None;
            }
            l.split_once('=').map(|(k, _)| k.trim().to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_dependency_in_sorted_position() {
        let src = "{\n  \"name\": \"x\",\n  \"dependencies\": {\n    \"next\": \"16.0.0\",\n    \"react\": \"19.0.0\"\n  },\n  \"devDependencies\": {\n    \"typescript\": \"5\"\n  }\n}\n";
        let out = add_dependency(src, "next-auth", "5.0.0-beta.32").unwrap().unwrap();
        assert_eq!(out, src.replace("    \"react\"", "    \"next-auth\": \"5.0.0-beta.32\",\n    \"react\""));
        assert_eq!(add_dependency(&out, "next-auth", "5.0.0-beta.32").unwrap(), None);
    }

    #[test]
    fn adds_dependency_at_the_end_and_keeps_crlf() {
        let src = "{\r\n\t\"dependencies\": {\r\n\t\t\"next\": \"16.0.0\"\r\n\t}\r\n}\r\n";
        let out = add_dependency(src, "zod", "3").unwrap().unwrap();
        assert_eq!(out, "{\r\n\t\"dependencies\": {\r\n\t\t\"next\": \"16.0.0\",\r\n\t\t\"zod\": \"3\"\r\n\t}\r\n}\r\n");
    }

    #[test]
    fn adds_dependencies_object_when_missing_or_empty() {
        let out = add_dependency("{\n  \"name\": \"x\"\n}\n", "next-auth", "4").unwrap().unwrap();
        assert_eq!(out, "{\n  \"name\": \"x\",\n  \"dependencies\": {\n    \"next-auth\": \"4\"\n  }\n}\n");
        let out = add_dependency("{\n  \"dependencies\": {}\n}\n", "next-auth", "4").unwrap().unwrap();
        assert_eq!(out, "{\n  \"dependencies\": {\n    \"next-auth\": \"4\"\n  }\n}\n");
    }

    #[test]
    fn nested_dependencies_key_is_not_top_level() {
        let src = "{\n  \"x\": { \"dependencies\": {} },\n  \"dependencies\": { \"next\": \"16\" }\n}\n";
        let out = add_dependency(src, "next-auth", "4").unwrap().unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["dependencies"]["next-auth"], "4");
        assert_eq!(v["x"]["dependencies"], serde_json::json!({}));
    }

    #[test]
    fn gitignore_coverage() {
        assert!(gitignore_covers_env_local("node_modules\n.env*.local\n"));
        assert!(gitignore_covers_env_local("# env files (can opt-in for committing if needed)\n.env*\n"));
        assert!(gitignore_covers_env_local("/.env*\n"));
        assert!(!gitignore_covers_env_local("node_modules\n.env\n"));
        assert!(!gitignore_covers_env_local(".env.local\n"), ".env.production.local stays tracked");
        assert!(!gitignore_covers_env_local(".env*\n!.env.local\n"));
        assert!(gitignore_covers_env_local("*.local\n"));
        assert!(gitignore_covers_env_local("**/.env*.local\n"));
        assert!(!gitignore_covers_env_local(".env*.local/\n"), "a folder pattern does not cover files");
        assert!(!gitignore_covers_env_local("config/.env*.local\n"), "anchored to another folder");
    }

    #[test]
    fn append_keeps_content() {
        assert_eq!(append_lines("a\nb", &[".env*.local".into()]), "a\nb\n\n.env*.local\n");
        assert_eq!(append_lines("", &["X=".into()]), "X=\n");
        assert_eq!(append_lines("a\r\n", &["X=".into()]), "a\r\n\r\nX=\r\n");
    }

    #[test]
    fn env_keys_parses_names() {
        assert_eq!(env_keys("# c\nA=1\nexport B=\"x\"\n\nC=\n"), ["A", "B", "C"]);
    }
}
