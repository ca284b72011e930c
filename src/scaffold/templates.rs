//! The Handlebars templates: embedded in the binary, optionally overridden by `--templates DIR`.
//!
//! Layout (the same in `templates/` and in an override folder): `<set>/<path>.hbs`, where `<set>`
//! is `new` (project files only `authfix new` writes), `common` (both versions) or `v5` / `v4`,
//! and `<path>` is the generated file's path in a project created with `--src-dir`: a leading
//! `src/` stands for the source root (the project root without `--src-dir`).
use std::collections::BTreeMap;
use std::path::Path;

#[rustfmt::skip]
#[path = "embedded.rs"]
mod embedded;

pub struct Templates {
    files: BTreeMap<String, String>,
}

impl Templates {
    /// The embedded templates, with every `*.hbs` file of `override_dir` replacing (or adding to)
    /// the one at the same relative path.
    pub fn load(override_dir: Option<&Path>) -> Result<Self, String> {
        let mut files: BTreeMap<String, String> = embedded::EMBEDDED.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if let Some(dir) = override_dir {
            if !dir.is_dir() {
                return Err(format!("--templates {}: not a folder", dir.display()));
            }
            let mut found = 0;
            for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
                let entry = entry.map_err(|e| format!("--templates {}: {e}", dir.display()))?;
                if !entry.file_type().is_file() || !entry.file_name().to_string_lossy().ends_with(".hbs") {
                    continue;
                }
                let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                let key = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
                let text = std::fs::read_to_string(entry.path()).map_err(|e| format!("{}: {e}", entry.path().display()))?;
                files.insert(key, text);
                found += 1;
            }
            if found == 0 {
                return Err(format!("--templates {}: no *.hbs files (expected the layout of authfix's templates/ folder)", dir.display()));
            }
        }
        Ok(Self { files })
    }

    /// `(path inside the set, template text)` for one set, sorted by path.
    pub fn set<'a>(&'a self, set: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let prefix = format!("{set}/");
        self.files.iter().filter_map(move |(k, v)| k.strip_prefix(prefix.as_str()).map(|rest| (rest, v.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_matches_templates_dir() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file() && e.file_name().to_string_lossy().ends_with(".hbs"))
            .map(|e| e.path().strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = embedded::EMBEDDED.iter().map(|(k, _)| k.to_string()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk, "src/scaffold/embedded.rs is stale: run `sh src/scaffold/gen_embedded.sh`");
    }

    #[test]
    fn override_replaces_one_file_and_keeps_the_rest() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("new")).unwrap();
        std::fs::write(d.path().join("new/next.config.ts.hbs"), "// custom\n").unwrap();
        std::fs::write(d.path().join("new/notes.txt"), "ignored").unwrap();
        let t = Templates::load(Some(d.path())).unwrap();
        let new: BTreeMap<_, _> = t.set("new").collect();
        assert_eq!(new["next.config.ts.hbs"], "// custom\n");
        assert!(new.contains_key("package.json.hbs"));
        assert!(!new.contains_key("notes.txt"));
    }

    #[test]
    fn override_dir_must_exist_and_hold_templates() {
        assert!(Templates::load(Some(Path::new("/nonexistent/authfix-templates"))).is_err());
        let d = tempfile::tempdir().unwrap();
        assert!(Templates::load(Some(d.path())).is_err());
    }
}
