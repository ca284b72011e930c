//! Small text edits `init` makes to existing files, keeping every other byte.

/// Add `"name": "version"` to package.json's `dependencies` (sorted position). `Ok(None)` when it
/// is already listed in `dependencies` or `devDependencies`. See [`add_entry`].
pub fn add_dependency(text: &str, name: &str, version: &str) -> Result<Option<String>, String> {
    let parsed: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("package.json does not parse: {e}"))?;
    for key in ["dependencies", "devDependencies"] {
        if parsed.get(key).and_then(|d| d.get(name)).is_some() {
            return Ok(None);
        }
    }
    add_entry(text, "dependencies", name, version, Place::Sorted).map(Some)
}

/// Where [`add_entry`] puts the new entry in its object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Before the first name that sorts after it (dependency lists are kept sorted).
    Sorted,
    /// After the last entry (`scripts` are in the author's order).
    #[cfg_attr(not(test), allow(dead_code))]
    End,
}

/// Add `"name": "value"` to the top-level object `section` of a package.json (`dependencies`,
/// `scripts`, …), creating the object as the last top-level key when it is missing. The edit goes
/// through jsonc-parser's CST, which keeps every other byte: indentation (spaces or tabs), key
/// order, spacing, line endings and the final newline (or its absence). An existing single-line
/// `section` object becomes one entry per line. The result is checked: it parses as strict JSON
/// and differs from the input by exactly this entry, or an error is returned.
pub fn add_entry(text: &str, section: &str, name: &str, value: &str, place: Place) -> Result<String, String> {
    use jsonc_parser::cst::CstRootNode;
    let by_hand = || format!("could not add {name} to package.json; add it by hand");
    // npm reads strict JSON: no comments, no trailing commas.
    let before: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("package.json does not parse: {e}"))?;
    let root = CstRootNode::parse(text, &Default::default()).map_err(|e| format!("package.json does not parse: {e}"))?;
    let top = root.object_value().ok_or("package.json is not an object")?;
    let obj = top.object_value_or_create(section).ok_or_else(|| format!("package.json: {section} is not an object"))?;
    let props = obj.properties();
    if props.iter().any(|p| p.decoded_name().as_deref() == Some(name)) {
        return Err(format!("package.json: {section} already has {name}"));
    }
    let index = match place {
        Place::Sorted => props.iter().position(|p| p.decoded_name().is_some_and(|k| k.as_str() > name)).unwrap_or(props.len()),
        Place::End => props.len(),
    };
    obj.insert(index, name, jsonc_parser::cst::CstInputValue::from(value));
    let out = root.to_string();
    // The edit must be this entry and nothing else.
    let mut after: serde_json::Value = serde_json::from_str(&out).map_err(|_| by_hand())?;
    let added = after.get_mut(section).and_then(|s| s.as_object_mut()).and_then(|s| s.remove(name));
    if added.as_ref().and_then(|v| v.as_str()) != Some(value) {
        return Err(by_hand());
    }
    if before.get(section).is_none() && after.get(section).is_some_and(|s| s.as_object().is_some_and(|o| o.is_empty())) {
        after.as_object_mut().map(|o| o.remove(section));
    }
    if after != before {
        return Err(by_hand());
    }
    Ok(out)
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

    /// The only difference between `before` and `after` is `added` inserted at `at` (a byte offset
    /// of `before`): every other byte, including the line endings and the last one, stays.
    fn only_inserted(before: &str, after: &str, at: usize, added: &str) {
        assert_eq!(after, format!("{}{added}{}", &before[..at], &before[at..]), "\nbefore: {before:?}\nafter:  {after:?}");
    }

    #[test]
    fn tabs_crlf_sorted_in_the_middle() {
        let src = "{\r\n\t\"name\": \"x\",\r\n\t\"dependencies\": {\r\n\t\t\"next\": \"16.0.0\",\r\n\t\t\"react\": \"19.0.0\"\r\n\t}\r\n}\r\n";
        let out = add_dependency(src, "next-auth", "4.24.13").unwrap().unwrap();
        only_inserted(src, &out, src.find("\t\t\"react\"").unwrap(), "\t\t\"next-auth\": \"4.24.13\",\r\n");
        assert!(!out.replace("\r\n", "").contains('\n'), "no bare LF in a CRLF file");
    }

    #[test]
    fn four_spaces_no_trailing_newline_script_at_the_end() {
        let src = "{\n    \"name\": \"x\",\n    \"scripts\": {\n        \"dev\": \"next dev\",\n        \"build\": \"next build\"\n    }\n}";
        let out = add_entry(src, "scripts", "auth:secret", "npx auth secret", Place::End).unwrap();
        let at = src.find("\"next build\"").unwrap() + "\"next build\"".len();
        only_inserted(src, &out, at, ",\n        \"auth:secret\": \"npx auth secret\"");
        assert!(out.ends_with('}'), "still no final newline");
    }

    #[test]
    fn odd_spacing_is_kept() {
        // Spaces around colons and commas, an object opened on its first entry's line, a blank line:
        // all kept. The new line gets the file's indent unit per level (2 × 2), not the sibling's 6.
        let src = "{ \"name\" :   \"x\" ,\n  \"dependencies\":{\"next\":\"16\",\n      \"zod\"  :  \"3\"},\n\n  \"private\" : true\n}\n";
        let out = add_dependency(src, "next-auth", "4").unwrap().unwrap();
        only_inserted(src, &out, src.find("      \"zod\"").unwrap(), "    \"next-auth\": \"4\",\n");
    }

    #[test]
    fn missing_section_is_added_last_with_the_file_indent() {
        let src = "{\n\t\"name\": \"x\",\n\t\"private\": true\n}\n";
        let out = add_entry(src, "scripts", "dev", "next dev", Place::End).unwrap();
        only_inserted(src, &out, src.find("\n}").unwrap(), ",\n\t\"scripts\": {\n\t\t\"dev\": \"next dev\"\n\t}");
        let src = "{\r\n  \"name\": \"x\"\r\n}";
        let out = add_dependency(src, "next-auth", "4").unwrap().unwrap();
        assert_eq!(out, "{\r\n  \"name\": \"x\",\r\n  \"dependencies\": {\r\n    \"next-auth\": \"4\"\r\n  }\r\n}");
    }

    #[test]
    fn trailing_commas_refused_and_escapes() {
        // npm reads strict JSON: a trailing comma is refused, not carried on.
        let src = "{\n  \"scripts\": {\n    \"dev\": \"next dev\",\n  },\n}\n";
        assert!(add_entry(src, "scripts", "say", "x", Place::End).unwrap_err().contains("does not parse"));
        // Names and values are escaped.
        let src = "{\n  \"scripts\": {\n    \"dev\": \"next dev\"\n  }\n}\n";
        let out = add_entry(src, "scripts", "say", "echo \"hi\" \\o/", Place::End).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["scripts"]["say"], "echo \"hi\" \\o/");
    }

    #[test]
    fn refusals() {
        assert!(add_dependency("{\"dependencies\": []}", "next-auth", "4").unwrap_err().contains("not an object"));
        assert!(add_dependency("[1]", "next-auth", "4").unwrap_err().contains("not an object"));
        assert!(add_dependency("{\"dependencies\": {", "next-auth", "4").unwrap_err().contains("does not parse"));
        assert!(add_entry("{\"scripts\": {\"dev\": \"x\"}}", "scripts", "dev", "y", Place::End).unwrap_err().contains("already has dev"));
        // Listed under devDependencies: nothing to add.
        assert_eq!(add_dependency("{\"devDependencies\": {\"next-auth\": \"4\"}}", "next-auth", "4").unwrap(), None);
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
