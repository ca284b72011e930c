//! The Handlebars templates: embedded in the binary, optionally overridden by `--templates DIR`.
//!
//! Layout (the same in `templates/` and in an override folder): `<set>/<path>.hbs`, where `<set>`
//! is `new` (project files only `authfix new` writes), `common` (both versions) or `v5` / `v4`,
//! and `<path>` is the generated file's path in a project created with `--src-dir`: a leading
//! `src/` stands for the source root (the project root without `--src-dir`).
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::Path;

/// `templates/` at build time (build.rs reruns the build when a file is added or removed).
static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Every embedded file as `(path relative to templates/ with `/` separators, contents)`.
fn embedded_files() -> Vec<(String, &'static [u8])> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
        for f in dir.files() {
            out.push((f.path().components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/"), f.contents()));
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut out = Vec::new();
    walk(&EMBEDDED, &mut out);
    out
}

pub struct Templates {
    files: BTreeMap<String, String>,
}

impl Templates {
    /// The embedded templates, with every `*.hbs` file of `override_dir` replacing (or adding to)
    /// the one at the same relative path.
    pub fn load(override_dir: Option<&Path>) -> Result<Self, String> {
        let mut files = BTreeMap::new();
        for (key, bytes) in embedded_files() {
            if key.ends_with(".hbs") {
                let text = std::str::from_utf8(bytes).map_err(|e| format!("embedded template {key} is not UTF-8: {e}"))?;
                files.insert(key, text.to_string());
            }
        }
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

    /// Every file under `templates/` on disk is in the binary, byte for byte, and nothing else is;
    /// every `*.hbs` among them is a template `load` returns.
    #[test]
    fn every_file_under_templates_is_embedded() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut on_disk: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&root)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"), std::fs::read(e.path()).unwrap()))
            .collect();
        on_disk.sort();
        assert!(on_disk.len() >= 20, "templates/ looks empty: {on_disk:?}");
        assert!(on_disk.iter().any(|(k, _)| k == "common/.env.local.hbs"), "dotfiles are embedded too");
        let mut embedded: Vec<(String, Vec<u8>)> = embedded_files().into_iter().map(|(k, v)| (k, v.to_vec())).collect();
        embedded.sort();
        let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
        assert_eq!(names(&embedded), names(&on_disk), "templates/ changed since the build: touch build.rs or rebuild");
        for ((k, a), (_, b)) in embedded.iter().zip(&on_disk) {
            assert!(a == b, "{k}: embedded bytes differ from the file on disk");
        }
        let t = Templates::load(None).unwrap();
        let loaded: Vec<&String> = t.files.keys().collect();
        let hbs: Vec<String> = names(&on_disk).into_iter().filter(|k| k.ends_with(".hbs")).collect();
        assert_eq!(loaded, hbs.iter().collect::<Vec<_>>());
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
