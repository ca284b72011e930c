//! The review flow shared by `fix` and `init`: show every change as a diff, then write nothing
//! (`--dry-run`, `--diff`), ask, or apply (`--yes`), with the git guard and atomic writes.
use crate::cli::ReviewArgs;
use anstyle::{AnsiColor, Style};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// One file a command would change or create.
#[derive(Clone, Debug)]
pub struct FileChange {
    /// Path relative to the root the command runs on.
    pub rel: PathBuf,
    /// The current content (with BOM if the file has one), `None` for a new file.
    pub old: Option<String>,
    /// The new content (with the same BOM).
    pub new: String,
}

/// A file a command would delete (the old half of a move).
pub struct FileDeletion {
    pub rel: PathBuf,
    pub old: String,
}

impl FileDeletion {
    pub fn diff(&self) -> String {
        let path = self.rel.to_string_lossy().replace('\\', "/");
        let diff = similar::TextDiff::from_lines(self.old.as_str(), "");
        diff.unified_diff().context_radius(3).header(&format!("a/{path}"), "/dev/null").to_string()
    }
    fn as_change(&self) -> FileChange {
        FileChange { rel: self.rel.clone(), old: Some(self.old.clone()), new: String::new() }
    }
}

pub const RED: Style = AnsiColor::Red.on_default();
pub const GREEN: Style = AnsiColor::Green.on_default();
pub const CYAN: Style = AnsiColor::Cyan.on_default();
pub const BOLD: Style = Style::new().bold();
pub const YELLOW: Style = AnsiColor::Yellow.on_default();

/// A plain unified diff (`a/` `b/` prefixes, new files from `/dev/null`) that `git apply`
/// reproduces exactly. Secrets are masked when it is printed (the output boundary).
pub fn unified_diff(c: &FileChange) -> String {
    let path = c.rel.to_string_lossy().replace('\\', "/");
    let old = c.old.as_deref().unwrap_or("");
    let from = if c.old.is_some() { format!("a/{path}") } else { "/dev/null".into() };
    let diff = similar::TextDiff::from_lines(old, &c.new);
    diff.unified_diff().context_radius(3).missing_newline_hint(true).header(&from, &format!("b/{path}")).to_string()
}

/// The diff with colours for a terminal.
pub fn coloured_diff(c: &FileChange) -> String {
    let mut out = String::new();
    for line in unified_diff(c).split_inclusive('\n') {
        let style = if line.starts_with("+++") || line.starts_with("---") {
            BOLD
        } else if line.starts_with('+') {
            GREEN
        } else if line.starts_with('-') {
            RED
        } else if line.starts_with("@@") {
            CYAN
        } else {
            Style::new()
        };
        out.push_str(&format!("{style}{}{style:#}", line.trim_end_matches('\n')));
        out.push('\n');
    }
    out
}

/// Files among `paths` (relative to `root`) with uncommitted changes, staged or not, or untracked;
/// `None` outside a git work tree. Asked through [`crate::git`]: NUL-separated output, paths
/// compared exactly.
pub fn dirty_files(root: &Path, paths: &[PathBuf]) -> Option<Vec<PathBuf>> {
    let top = crate::git::toplevel(root)?;
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let rel: Vec<(String, &PathBuf)> =
        paths.iter().filter(|p| root.join(p).exists()).filter_map(|p| Some((crate::git::relative_to(&top, &root.join(p))?, p))).collect();
    let dirty = crate::git::dirty(&top, &rel.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>()).unwrap_or_default();
    Some(rel.into_iter().filter(|(r, _)| dirty.contains(r)).map(|(_, p)| p.clone()).collect())
}

/// Write atomically: a temporary file in the same folder, the old permissions, then a rename.
/// Refuses when the file changed on disk since it was read.
pub fn write_atomic(root: &Path, c: &FileChange) -> Result<(), String> {
    // Everything authfix writes stays inside the folder it runs on.
    if c.rel.components().any(|x| !matches!(x, std::path::Component::Normal(_))) {
        return Err("path leaves the project; not written".into());
    }
    // Never write a file that does not parse: checked here, at the last moment, whatever made
    // the text (a fix, a scaffold edit).
    let rel = c.rel.to_string_lossy().replace('\\', "/");
    let text = c.new.strip_prefix('\u{feff}').unwrap_or(&c.new);
    authfix_transforms::engine::validate(&rel, text).map_err(|e| format!("the new text would not parse ({e}); not written"))?;
    let path = root.join(&c.rel);
    let dir = path.parent().ok_or("no parent folder")?;
    match (&c.old, std::fs::read(&path)) {
        (Some(old), Ok(now)) if now != old.as_bytes() => return Err("changed on disk since it was read; not written".into()),
        (Some(_), Err(e)) => return Err(format!("cannot read it again: {e}")),
        (None, Ok(_)) => return Err("already exists; not overwritten".into()),
        _ => {}
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut tmp = tempfile::Builder::new().prefix(".authfix-").tempfile_in(dir).map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    tmp.write_all(c.new.as_bytes()).map_err(|e| e.to_string())?;
    tmp.as_file().sync_all().map_err(|e| e.to_string())?;
    if let Ok(meta) = std::fs::metadata(&path) {
        if meta.permissions().readonly() {
            return Err("is read-only; not written".into());
        }
        std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(|e| e.to_string())?;
    } else {
        // A new file: readable by the group and others like any source file (tempfile makes it
        // 0600), except a file holding a secret, which stays 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let secret = crate::output::holds_secret(&c.new);
            let mode = if secret { 0o600 } else { 0o644 };
            std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode)).map_err(|e| e.to_string())?;
        }
    }
    if c.old.is_none() {
        tmp.persist_noclobber(&path).map_err(|e| format!("{}", e.error))?;
    } else {
        tmp.persist(&path).map_err(|e| format!("{}", e.error))?;
    }
    Ok(())
}

pub enum Mode {
    Diff,
    DryRun,
    Yes,
    Ask,
    /// Not a terminal and no `--yes`.
    Refuse,
}

pub fn mode(args: &ReviewArgs) -> Mode {
    if args.diff {
        Mode::Diff
    } else if args.dry_run {
        Mode::DryRun
    } else if args.yes || args.interactive {
        Mode::Yes
    } else if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        Mode::Ask
    } else {
        Mode::Refuse
    }
}

/// Show the changes, then apply them as the flags say. Returns the exit code: `--dry-run` and
/// `--diff` give 1 when changes are pending and 0 when there are none; applying gives 0 when
/// everything was written.
pub fn review_and_apply(root: &Path, changes: Vec<FileChange>, args: &ReviewArgs, what: &str) -> i32 {
    review_and_apply_all(root, changes, Vec::new(), args, what)
}

/// [`review_and_apply`] with deletions (the old halves of moved files).
pub fn review_and_apply_all(root: &Path, changes: Vec<FileChange>, deletions: Vec<FileDeletion>, args: &ReviewArgs, what: &str) -> i32 {
    let m = mode(args);
    if let Mode::Diff = m {
        let mut out = crate::output::stdout();
        for d in &deletions {
            let _ = write!(out, "{}", d.diff());
        }
        for c in &changes {
            // A file that would hold a secret cannot go into a patch: it would be shown (or, masked,
            // applied as `***`). It is left out with a note; `--yes` writes it.
            if crate::output::holds_secret(&c.new) {
                crate::errln!("note: {} is left out of the diff because it holds a secret; apply it with --yes", c.rel.display());
                continue;
            }
            let _ = write!(out, "{}", unified_diff(c));
        }
        return if changes.is_empty() && deletions.is_empty() { 0 } else { 1 };
    }
    let mut out = crate::output::stdout();
    if changes.is_empty() && deletions.is_empty() {
        return 0;
    }
    for d in &deletions {
        let _ = write!(out, "{}", coloured_diff(&d.as_change()).replace(&format!("+++ b/{}", d.rel.to_string_lossy().replace('\\', "/")), "+++ /dev/null"));
    }
    for c in &changes {
        let _ = write!(out, "{}", coloured_diff(c));
    }
    let n = changes.len() + deletions.len();
    let files = if n == 1 { "1 file".to_string() } else { format!("{n} files") };
    match m {
        Mode::DryRun => {
            let _ = writeln!(out, "{BOLD}{what}: {files} would change (dry run, nothing written){BOLD:#}");
            return 1;
        }
        Mode::Refuse => {
            let _ = writeln!(out, "{BOLD}{what}: {files} would change; nothing written{BOLD:#}");
            crate::errln!("not a terminal: run again with --yes to apply, or pipe `--diff` into `git apply`");
            return 1;
        }
        _ => {}
    }
    match guard(root, &changes, &deletions) {
        Guard::OutsideGit => {
            crate::errln!("{YELLOW}note:{YELLOW:#} {} is not inside a git work tree: there is no version control to undo these changes", root.display())
        }
        Guard::Dirty(dirty) if !args.allow_dirty => {
            crate::errln!(
                "{RED}refusing to write:{RED:#} uncommitted changes in {}\ncommit or stash them first, or pass --allow-dirty",
                dirty.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            );
            return 1;
        }
        _ => {}
    }
    if let Mode::Ask = m {
        let ok = dialoguer::Confirm::new().with_prompt(format!("Apply these changes to {files}?")).default(false).interact().unwrap_or(false);
        if !ok {
            crate::errln!("nothing written");
            return 1;
        }
    }
    let failed = apply(root, &changes, &deletions).failed;
    for (rel, e) in &failed {
        crate::errln!("{RED}error:{RED:#} {}: {e}", rel.display());
    }
    let failed = failed.len();
    let written = n - failed;
    let _ = writeln!(out, "{GREEN}{what}: wrote {written} of {files}{GREEN:#}");
    if failed > 0 {
        1
    } else {
        0
    }
}

/// The git guard's verdict on the files a command would write or delete.
pub enum Guard {
    Clean,
    /// Not inside a git work tree: nothing to undo the changes with.
    OutsideGit,
    /// These files have uncommitted changes.
    Dirty(Vec<PathBuf>),
}

pub fn guard(root: &Path, changes: &[FileChange], deletions: &[FileDeletion]) -> Guard {
    let paths: Vec<PathBuf> = changes.iter().map(|c| c.rel.clone()).chain(deletions.iter().map(|d| d.rel.clone())).collect();
    match dirty_files(root, &paths) {
        None => Guard::OutsideGit,
        Some(dirty) if !dirty.is_empty() => Guard::Dirty(dirty),
        Some(_) => Guard::Clean,
    }
}

/// What [`apply`] did.
pub struct Applied {
    pub written: Vec<PathBuf>,
    /// Files not written or deleted, with the reason.
    pub failed: Vec<(PathBuf, String)>,
}

/// Write every change atomically and delete the moved files (each only if it is still what was
/// read); prints nothing. The guard is the caller's.
pub fn apply(root: &Path, changes: &[FileChange], deletions: &[FileDeletion]) -> Applied {
    let mut out = Applied { written: Vec::new(), failed: Vec::new() };
    for c in changes {
        match write_atomic(root, c) {
            Ok(()) => out.written.push(c.rel.clone()),
            Err(e) => out.failed.push((c.rel.clone(), e)),
        }
    }
    for d in deletions {
        let path = root.join(&d.rel);
        match std::fs::read(&path) {
            Ok(now) if now == d.old.as_bytes() => match std::fs::remove_file(&path) {
                Ok(()) => out.written.push(d.rel.clone()),
                Err(e) => out.failed.push((d.rel.clone(), e.to_string())),
            },
            _ => out.failed.push((d.rel.clone(), "changed on disk since it was read; not deleted".into())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(old: Option<&str>, new: &str) -> FileChange {
        FileChange { rel: PathBuf::from("a.txt"), old: old.map(String::from), new: new.into() }
    }

    #[test]
    fn writes_only_what_was_read() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.txt"), "edited by someone else").unwrap();
        let err = write_atomic(d.path(), &change(Some("what authfix read"), "fixed")).unwrap_err();
        assert!(err.contains("changed on disk"));
        assert_eq!(std::fs::read_to_string(d.path().join("a.txt")).unwrap(), "edited by someone else");
        write_atomic(d.path(), &change(Some("edited by someone else"), "fixed")).unwrap();
        assert_eq!(std::fs::read_to_string(d.path().join("a.txt")).unwrap(), "fixed");
        // A new file never replaces one that appeared meanwhile.
        assert!(write_atomic(d.path(), &change(None, "x")).unwrap_err().contains("already exists"));
        // No temporary file is left behind.
        let left: Vec<_> = std::fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left.len(), 1, "{left:?}");
    }

    #[test]
    fn never_writes_outside_the_root() {
        let d = tempfile::tempdir().unwrap();
        let inner = d.path().join("project");
        std::fs::create_dir(&inner).unwrap();
        for rel in ["../escape.ts", "/tmp/escape.ts", "a/../../escape.ts"] {
            let c = FileChange { rel: PathBuf::from(rel), old: None, new: "x".into() };
            assert!(write_atomic(&inner, &c).unwrap_err().contains("leaves the project"), "{rel}");
        }
        assert!(!d.path().join("escape.ts").exists());
    }

    #[test]
    fn never_writes_a_file_that_does_not_parse() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.ts"), "old").unwrap();
        let ts = FileChange { rel: PathBuf::from("a.ts"), old: Some("old".into()), new: "export const = ;".into() };
        let e = write_atomic(d.path(), &ts).unwrap_err();
        assert!(e.contains("would not parse"), "{e}");
        assert_eq!(std::fs::read_to_string(d.path().join("a.ts")).unwrap(), "old");
        let bad_json = FileChange { rel: PathBuf::from("package.json"), old: None, new: "{\"a\": }".into() };
        assert!(write_atomic(d.path(), &bad_json).is_err());
        assert!(!d.path().join("package.json").exists());
    }

    #[test]
    fn dirty_files_are_matched_exactly() {
        let d = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| assert!(std::process::Command::new("git").arg("-C").arg(d.path()).args(args).output().unwrap().status.success());
        git(&["init", "-q"]);
        git(&["config", "user.email", "t@example.com"]);
        git(&["config", "user.name", "t"]);
        for f in ["web/a/page.tsx", "web/ba/page.tsx", "web/é.tsx"] {
            std::fs::create_dir_all(d.path().join(f).parent().unwrap()).unwrap();
            std::fs::write(d.path().join(f), "x").unwrap();
        }
        git(&["add", "-A"]);
        git(&["commit", "-qm", "init"]);
        std::fs::write(d.path().join("web/ba/page.tsx"), "changed").unwrap();
        std::fs::write(d.path().join("web/é.tsx"), "changed").unwrap();
        // Asked from a subfolder of the work tree, as `fix apps/web` does.
        let root = d.path().join("web");
        let paths: Vec<PathBuf> = ["a/page.tsx", "ba/page.tsx", "é.tsx", "new.tsx"].iter().map(PathBuf::from).collect();
        let mut dirty = dirty_files(&root, &paths).unwrap();
        dirty.sort();
        // `ba/page.tsx` ends with `a/page.tsx`, which is clean; `é.tsx` is dirty although git
        // quotes such names outside `-z` output.
        assert_eq!(dirty, vec![PathBuf::from("ba/page.tsx"), PathBuf::from("é.tsx")]);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.txt");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o751)).unwrap();
        write_atomic(d.path(), &change(Some("old"), "new")).unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o751);
    }
}
