//! The folders above an app that matter to it: the git root (workflows run from there, and every
//! `.gitignore` up to it applies) and the workspace root (monorepo lockfile, root `.env*`,
//! `turbo.json`, root scripts). Found by looking at the file system, the way git finds its work
//! tree (a `.git` folder or file), so that scanning starts no process; git itself is asked only
//! when there are env files or workflows to ask about.
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roots {
    /// The nearest folder at or above the app holding `.git`.
    pub git: Option<PathBuf>,
    /// The nearest folder above the app that declares a workspace (`pnpm-workspace.yaml`,
    /// `"workspaces"` in package.json, `turbo.json`, `nx.json`, `lerna.json`) or, inside a git
    /// work tree, holds a lockfile; never above the git root.
    pub workspace: Option<PathBuf>,
}

impl Roots {
    /// The outermost root: the files of the folders between it and the app are read.
    pub fn outermost(&self) -> Option<&Path> {
        match (&self.git, &self.workspace) {
            (Some(g), Some(w)) => Some(if w.starts_with(g) { g } else { w }),
            (Some(g), None) => Some(g),
            (None, Some(w)) => Some(w),
            (None, None) => None,
        }
    }

    /// The app's path below [`Roots::outermost`] (`apps/web`; empty when they are the same).
    pub fn app_path(&self, app: &Path) -> String {
        self.outermost().and_then(|o| app.strip_prefix(o).ok()).map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default()
    }

    /// The folders above the app up to [`Roots::outermost`], nearest first, with their `../` key
    /// prefix (`../`, `../../`).
    pub fn outer_dirs(&self, app: &Path) -> Vec<(PathBuf, String)> {
        let Some(top) = self.outermost() else { return vec![] };
        let mut out = Vec::new();
        let mut up = String::new();
        for d in app.ancestors().skip(1) {
            if !d.starts_with(top) {
                break;
            }
            up.push_str("../");
            out.push((d.to_path_buf(), up.clone()));
        }
        out
    }
}

/// Finds roots for many apps, asking the file system once per folder.
#[derive(Default)]
pub struct Finder {
    has_git: HashMap<PathBuf, bool>,
    workspace_decl: HashMap<PathBuf, bool>,
    lockfile: HashMap<PathBuf, bool>,
}

impl Finder {
    pub fn roots(&mut self, app: &Path) -> Roots {
        let git = app.ancestors().find(|d| self.is_git_root(d)).map(Path::to_path_buf);
        let limit = git.as_deref();
        let workspace = app
            .ancestors()
            .skip(1)
            .take_while(|d| limit.is_none_or(|g| d.starts_with(g)))
            .find(|d| self.declares_workspace(d) || (limit.is_some() && self.has_lockfile(d)))
            .map(Path::to_path_buf);
        Roots { git, workspace }
    }

    fn is_git_root(&mut self, d: &Path) -> bool {
        *self.has_git.entry(d.to_path_buf()).or_insert_with(|| d.join(".git").exists())
    }

    fn declares_workspace(&mut self, d: &Path) -> bool {
        *self.workspace_decl.entry(d.to_path_buf()).or_insert_with(|| {
            ["pnpm-workspace.yaml", "turbo.json", "nx.json", "lerna.json"].iter().any(|f| d.join(f).is_file())
                || std::fs::read_to_string(d.join("package.json"))
                    .ok()
                    .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                    .is_some_and(|v| v.get("workspaces").is_some())
        })
    }

    fn has_lockfile(&mut self, d: &Path) -> bool {
        *self.lockfile.entry(d.to_path_buf()).or_insert_with(|| super::deps::LOCKFILES.iter().any(|f| d.join(f).is_file()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, f: &str, text: &str) {
        let p = root.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn git_and_workspace_roots() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().canonicalize().unwrap();
        std::fs::create_dir_all(r.join("repo/.git")).unwrap();
        touch(&r, "repo/frontend/package.json", "{}");
        touch(&r, "repo/mono/package.json", r#"{"workspaces":["apps/*"]}"#);
        touch(&r, "repo/mono/apps/web/package.json", "{}");
        touch(&r, "repo/locked/pnpm-lock.yaml", "");
        touch(&r, "repo/locked/apps/a/package.json", "{}");
        let mut f = Finder::default();

        let web = r.join("repo/mono/apps/web");
        let roots = f.roots(&web);
        assert_eq!(roots, Roots { git: Some(r.join("repo")), workspace: Some(r.join("repo/mono")) });
        assert_eq!(roots.outermost(), Some(r.join("repo").as_path()));
        assert_eq!(roots.app_path(&web), "mono/apps/web");
        let outer: Vec<String> = roots.outer_dirs(&web).into_iter().map(|(_, up)| up).collect();
        assert_eq!(outer, vec!["../", "../../", "../../../"]);

        // A subfolder app of a plain repository: the git root only.
        let fe = f.roots(&r.join("repo/frontend"));
        assert_eq!(fe, Roots { git: Some(r.join("repo")), workspace: None });
        assert_eq!(fe.app_path(&r.join("repo/frontend")), "frontend");

        // A lockfile marks the workspace root inside a work tree.
        assert_eq!(f.roots(&r.join("repo/locked/apps/a")).workspace, Some(r.join("repo/locked")));

        // The app at the git root: nothing above it is read.
        let top = f.roots(&r.join("repo"));
        assert!(top.outer_dirs(&r.join("repo")).is_empty());
    }

    #[test]
    fn no_git_no_stray_lockfile() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().canonicalize().unwrap();
        touch(&r, "home/package-lock.json", "{}");
        touch(&r, "home/app/package.json", "{}");
        // (The temporary folder is outside any work tree.)
        let roots = Finder::default().roots(&r.join("home/app"));
        assert_eq!(roots, Roots::default(), "outside git a lockfile alone is not a workspace");
    }
}
