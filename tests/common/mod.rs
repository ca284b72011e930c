//! Helpers the CLI test binaries share (`mod common;`): the binary under test, git with a fixed
//! identity, and a project's files as bytes.
#![allow(dead_code)] // each test binary uses its own subset
use assert_cmd::Command;
use std::fs;
use std::path::Path;

/// `authfix`, without colour.
pub fn authfix() -> Command {
    let mut c = Command::cargo_bin("authfix").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// Run git in `dir` (with a fixed author), asserting it succeeds.
pub fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t")
        .output()
        .unwrap();
    assert!(ok.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&ok.stderr));
}

/// Every file under `root` but `.git`, by relative path, with its bytes (sorted).
pub fn tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() && !e.path().components().any(|c| c.as_os_str() == ".git") {
            out.push((e.path().strip_prefix(root).unwrap().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()));
        }
    }
    out
}
