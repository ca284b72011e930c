//! Every question authfix asks git, in one place: the work tree's top folder, which files it
//! tracks, which it ignores, which have uncommitted changes. Output is read NUL-separated (`-z`),
//! so no path is ever quoted, escaped or split on a newline, and paths are compared exactly
//! (relative to the top folder), never by suffix. Pathspecs are literal (`--literal-pathspecs`):
//! a file named `[id].tsx` or `*.ts` means that file only (check-ignore, which accepts no pathspec
//! magic, reads its paths from stdin).
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("--literal-pathspecs").arg("-C").arg(dir);
    c
}

/// The top folder of the work tree containing `dir` (`git rev-parse --show-toplevel`); `None`
/// outside a work tree or without git.
pub fn toplevel(dir: &Path) -> Option<PathBuf> {
    let o = git(dir).args(["rev-parse", "--show-toplevel"]).stderr(Stdio::null()).output().ok()?;
    if !o.status.success() {
        return None;
    }
    let s = String::from_utf8(o.stdout).ok()?;
    let p = PathBuf::from(s.trim_end_matches(['\n', '\r']));
    Some(p.canonicalize().unwrap_or(p))
}

/// `/`-separated path of `path` relative to `top`; `None` when it is not inside it.
pub fn relative_to(top: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(top).ok()?;
    Some(rel.to_string_lossy().replace('\\', "/"))
}

fn split_z(out: &[u8]) -> impl Iterator<Item = String> + '_ {
    out.split(|b| *b == 0).filter(|s| !s.is_empty()).map(|s| String::from_utf8_lossy(s).into_owned())
}

/// Which of `paths` (relative to `top`) git tracks. `None` when git fails.
pub fn tracked(top: &Path, paths: &[String]) -> Option<BTreeSet<String>> {
    if paths.is_empty() {
        return Some(BTreeSet::new());
    }
    let o = git(top).args(["ls-files", "-z", "--full-name", "--"]).args(paths).stderr(Stdio::null()).output().ok()?;
    if !o.status.success() {
        return None;
    }
    Some(split_z(&o.stdout).collect())
}

/// Which of `paths` (relative to `top`, existing or not) git's ignore rules match: every
/// `.gitignore` up to `top`, `.git/info/exclude`, the global excludes file. Tracked files are
/// matched too (`--no-index`). `None` when git fails.
pub fn ignored(top: &Path, paths: &[String]) -> Option<BTreeSet<String>> {
    if paths.is_empty() {
        return Some(BTreeSet::new());
    }
    // check-ignore takes no pathspec magic (not even `--literal-pathspecs`): its paths are read
    // from stdin as they are.
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["check-ignore", "--no-index", "-z", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut input = Vec::new();
    for p in paths {
        input.extend_from_slice(p.as_bytes());
        input.push(0);
    }
    // Write from another thread: git answers while it reads, and a full pipe would block both.
    let mut stdin = child.stdin.take()?;
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let o = child.wait_with_output().ok()?;
    let _ = writer.join();
    // Exit 0: some path is ignored; 1: none is; 128: an error.
    if !matches!(o.status.code(), Some(0) | Some(1)) {
        return None;
    }
    Some(split_z(&o.stdout).collect())
}

/// Which of `paths` (relative to `top`) have uncommitted changes, staged or not, or are untracked
/// (`git status --porcelain=v1 -z`, which names paths relative to the top folder). `None` when
/// git fails.
pub fn dirty(top: &Path, paths: &[String]) -> Option<BTreeSet<String>> {
    if paths.is_empty() {
        return Some(BTreeSet::new());
    }
    let o = git(top).args(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--"]).args(paths).stderr(Stdio::null()).output().ok()?;
    if !o.status.success() {
        return None;
    }
    let mut out = BTreeSet::new();
    let mut entries = split_z(&o.stdout);
    while let Some(e) = entries.next() {
        let (Some(xy), Some(path)) = (e.get(..2), e.get(3..)) else { continue };
        out.insert(path.to_string());
        // A rename or copy names its source next.
        if xy.contains('R') || xy.contains('C') {
            if let Some(from) = entries.next() {
                out.insert(from);
            }
        }
    }
    let wanted: BTreeSet<&String> = paths.iter().collect();
    Some(out.into_iter().filter(|p| wanted.contains(p)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        let run = |args: &[&str]| assert!(Command::new("git").arg("-C").arg(d.path()).args(args).output().unwrap().status.success(), "{args:?}");
        run(&["init", "-q"]);
        run(&["config", "user.email", "t@example.com"]);
        run(&["config", "user.name", "t"]);
        for f in ["a/page.tsx", "ba/page.tsx", "app/[id]/page.tsx", "app/d/page.tsx", "we ird\nname.ts"] {
            let p = d.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        std::fs::write(d.path().join(".gitignore"), ".env\n").unwrap();
        run(&["add", "-A"]);
        run(&["commit", "-qm", "init"]);
        d
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn dirty_paths_match_exactly() {
        let d = repo();
        let top = toplevel(d.path()).unwrap();
        std::fs::write(d.path().join("ba/page.tsx"), "changed").unwrap();
        // `a/page.tsx` is clean although `ba/page.tsx`, which ends with it, is not.
        assert_eq!(dirty(&top, &s(&["a/page.tsx"])).unwrap(), BTreeSet::new());
        assert_eq!(dirty(&top, &s(&["a/page.tsx", "ba/page.tsx"])).unwrap(), ["ba/page.tsx".to_string()].into());
        // Newlines and spaces in names, brackets read literally.
        std::fs::write(d.path().join("we ird\nname.ts"), "changed").unwrap();
        std::fs::write(d.path().join("app/[id]/new.tsx"), "untracked").unwrap();
        assert_eq!(
            dirty(&top, &s(&["we ird\nname.ts", "app/[id]/page.tsx", "app/[id]/new.tsx"])).unwrap(),
            ["app/[id]/new.tsx".to_string(), "we ird\nname.ts".to_string()].into()
        );
    }

    #[test]
    fn tracked_and_ignored() {
        let d = repo();
        let top = toplevel(d.path()).unwrap();
        assert_eq!(
            tracked(&top, &s(&["a/page.tsx", "missing.ts", "app/[id]/page.tsx"])).unwrap(),
            ["a/page.tsx".to_string(), "app/[id]/page.tsx".to_string()].into()
        );
        // As a glob, `app/[id]/page.tsx` would also match `app/d/page.tsx`.
        assert_eq!(tracked(&top, &s(&["app/[id]/page.tsx"])).unwrap(), ["app/[id]/page.tsx".to_string()].into(), "a pathspec is literal");
        assert_eq!(ignored(&top, &s(&[".env", ".env.local", "a/.env"])).unwrap(), [".env".to_string(), "a/.env".to_string()].into());
        assert_eq!(relative_to(&top, &top.join("a/page.tsx")).as_deref(), Some("a/page.tsx"));
    }
}
