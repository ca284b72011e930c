//! The `.gitignore` files that apply to the app's root files: the app's own and every one in the
//! folders above it up to the git root (`../.gitignore`, `../../.gitignore`), matched as git
//! matches them ([`crate::gitignore`]). Inside a git work tree the CLI asks git itself, and that
//! answer ([`Project::is_git_ignored`]) comes first.
use crate::gitignore::{Patterns, Verdict};
use crate::project::{levels_up, Project};

/// The `.gitignore` keys, nearest first (`.gitignore`, `../.gitignore`, …).
pub fn gitignore_files(project: &Project) -> Vec<&str> {
    let mut v: Vec<&str> = project.data_files().filter(|p| p.trim_start_matches("../") == ".gitignore").collect();
    v.sort_by_key(|p| levels_up(p));
    v
}

/// How the `.gitignore` files treat the app file `path` (e.g. `.env.local`): the nearest file
/// with a matching pattern decides, as in git; `None` when no pattern matches. Returns the
/// deciding `.gitignore` key with the verdict. A `.gitignore` more folders up than
/// `facts.app_path` names cannot be placed, and is skipped.
pub fn verdict<'a>(project: &'a Project, path: &str) -> Option<(&'a str, Verdict)> {
    let segs: Vec<&str> = project.facts.app_path.split('/').filter(|s| !s.is_empty()).collect();
    for g in gitignore_files(project) {
        let up = levels_up(g);
        if up > segs.len() {
            continue;
        }
        let mut rel = segs[segs.len() - up..].join("/");
        if !rel.is_empty() {
            rel.push('/');
        }
        rel.push_str(path);
        if let Some(v) = Patterns::new(project.text(g).unwrap_or("")).check(&rel, false) {
            return Some((g, v));
        }
    }
    None
}

/// Whether the app file `path` is (or, not existing yet, would be) ignored: by git's answer
/// inside a work tree (which also knows the exclude files), or by the `.gitignore` files as they
/// are now (a fix may just have added a pattern git has not seen).
pub fn is_ignored(project: &Project, path: &str) -> bool {
    project.is_git_ignored(path) == Some(true) || verdict(project, path).is_some_and(|(_, v)| v.ignored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::ProjectFacts;

    fn project(app_path: &str, files: &[(&str, &str)]) -> Project {
        let mut p = Project::new(ProjectFacts { app_path: app_path.into(), ..Default::default() });
        for (f, t) in files {
            p.set_file(*f, *t);
        }
        p
    }

    #[test]
    fn nearest_gitignore_decides() {
        let p = project("apps/web", &[("../../.gitignore", ".env*\n"), (".gitignore", "!.env.local\n")]);
        assert_eq!(verdict(&p, ".env.local").map(|(g, v)| (g, v.ignored)), Some((".gitignore", false)));
        assert_eq!(verdict(&p, ".env").map(|(g, v)| (g, v.ignored)), Some(("../../.gitignore", true)));
    }

    #[test]
    fn root_patterns_are_anchored_at_the_root() {
        let p = project("apps/web", &[("../../.gitignore", "/apps/web/.env.local\n/.env\n")]);
        assert!(is_ignored(&p, ".env.local"));
        assert!(!is_ignored(&p, ".env"), "`/.env` is the root's own .env");
        let p = project("apps/web", &[("../.gitignore", "web/.env.local\n")]);
        assert!(is_ignored(&p, ".env.local"), "apps/.gitignore sees the app as web/");
        // Without app_path a root .gitignore cannot be placed.
        let p = project("", &[("../../.gitignore", ".env.local\n")]);
        assert!(!is_ignored(&p, ".env.local"));
    }

    #[test]
    fn git_answer_and_current_patterns() {
        // Ignored through an exclude file git knows and the project does not.
        let mut p = project("", &[(".gitignore", "node_modules\n")]);
        p.facts.git_ignored = Some(vec![".env.local".into()]);
        assert!(is_ignored(&p, ".env.local"));
        // A pattern added after git was asked (by a fix) counts.
        p.facts.git_ignored = Some(vec![]);
        assert!(!is_ignored(&p, ".env.local"));
        p.set_file(".gitignore", "node_modules\n.env*.local\n");
        assert!(is_ignored(&p, ".env.local"));
    }
}
