//! The `authfix fix` contract, end to end on copies of the example apps.
use std::fs;
use std::path::{Path, PathBuf};

mod common;
use common::{authfix, git, tree};

fn example(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dst = tmp.path().join(name);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name), &dst);
    (tmp, dst)
}

fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for e in fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            fs::copy(e.path(), &to).unwrap();
        }
    }
}

#[test]
fn dry_run_reports_and_writes_nothing() {
    let (_t, dir) = example("broken-v4");
    let before = tree(&dir);
    let out = authfix().args(["fix", "--dry-run"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "pending changes exit 1");
    let stdout = String::from_utf8(out.stdout).unwrap();
    for code in ["P001", "S001", "S002", "C001"] {
        assert!(stdout.contains(&format!("[{code}]")), "missing {code} in:\n{stdout}");
    }
    assert!(stdout.contains("+++ b/lib/auth.ts"), "{stdout}");
    assert!(stdout.contains("--- /dev/null\n+++ b/components/AuthProvider.tsx"));
    assert!(!stdout.contains("\x1b["), "no colour with NO_COLOR");
    assert_eq!(tree(&dir), before, "dry run wrote something");
}

#[test]
fn diff_applied_by_git_equals_yes_and_second_run_is_clean() {
    let (_t1, a) = example("broken-v4");
    let (_t2, b) = example("broken-v4");
    let diff = authfix().args(["fix", "--diff"]).arg(&a).output().unwrap();
    assert_eq!(diff.status.code(), Some(1));
    let patch = String::from_utf8(diff.stdout).unwrap();
    assert!(patch.starts_with("--- "), "plain diff only:\n{patch}");
    assert!(!patch.contains("+++ b/.env.local"), "a file holding a secret is never in the patch");
    assert!(String::from_utf8_lossy(&diff.stderr).contains(".env.local is left out of the diff"));
    assert!(!patch.contains("error["), "no report in --diff mode");
    fs::write(a.join("fix.patch"), &patch).unwrap();
    git(&a, &["init", "-q"]);
    git(&a, &["apply", "fix.patch"]);
    fs::remove_file(a.join("fix.patch")).unwrap();
    fs::remove_dir_all(a.join(".git")).unwrap();

    let yes = authfix().args(["fix", "--yes"]).arg(&b).output().unwrap();
    assert_eq!(yes.status.code(), Some(0), "{}", String::from_utf8_lossy(&yes.stderr));
    // --yes also wrote the fresh secret, which the patch leaves out.
    let env = fs::read_to_string(b.join(".env.local")).unwrap();
    assert!(env.starts_with("NEXTAUTH_SECRET=") && env.trim_end().len() > "NEXTAUTH_SECRET=".len() + 40, "{env}");
    assert!(!String::from_utf8_lossy(&yes.stdout).contains(env.trim_end().trim_start_matches("NEXTAUTH_SECRET=")), "the secret was printed");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(b.join(".env.local")).unwrap().permissions().mode() & 0o777, 0o600, "a file holding a secret is private");
        assert_eq!(fs::metadata(b.join("lib/auth.ts")).unwrap().permissions().mode() & 0o777, 0o644, "new source files are not");
    }
    fs::remove_file(b.join(".env.local")).unwrap();
    assert_eq!(tree(&a), tree(&b), "git apply of --diff differs from --yes");
    fs::write(b.join(".env.local"), env).unwrap();

    let again = authfix().args(["fix", "--dry-run"]).arg(&b).output().unwrap();
    assert_eq!(again.status.code(), Some(0), "second run must find nothing:\n{}", String::from_utf8_lossy(&again.stdout));
    // Untouched files are byte-identical.
    let orig = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken-v4");
    for f in ["package.json", "tsconfig.json", "components/UserMenu.tsx"] {
        assert_eq!(fs::read(orig.join(f)).unwrap(), fs::read(b.join(f)).unwrap(), "{f} changed");
    }
}

#[test]
fn without_terminal_or_yes_nothing_is_written() {
    let (_t, dir) = example("broken-v5-src");
    let before = tree(&dir);
    let out = authfix().arg("fix").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(tree(&dir), before);
}

#[test]
fn git_guard_refuses_dirty_files_but_shows_the_diff() {
    let (_t, dir) = example("broken-v5-src");
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-qm", "init"]);
    let layout = dir.join("src/app/layout.tsx");
    let dirty = fs::read_to_string(&layout).unwrap().replace("'Demo'", "'Demo!'");
    fs::write(&layout, &dirty).unwrap();
    let out = authfix().args(["fix", "--yes"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("uncommitted changes in src/app/layout.tsx"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("+++ b/src/app/layout.tsx"));
    assert_eq!(fs::read_to_string(&layout).unwrap(), dirty);
    assert!(!dir.join("src/components/AuthProvider.tsx").exists());
    let out = authfix().args(["fix", "--yes", "--allow-dirty"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(fs::read_to_string(&layout).unwrap().contains("<AuthProvider>{children}</AuthProvider>"));
}

#[test]
fn crlf_bom_and_unparsable_files() {
    let (_t, dir) = example("broken-v4");
    let layout = dir.join("app/layout.tsx");
    let crlf = format!("\u{feff}{}", fs::read_to_string(&layout).unwrap().replace('\n', "\r\n"));
    fs::write(&layout, &crlf).unwrap();
    let broken = "\"use client\";\nimport { useSession } from \"next-auth/react\";\nexport default function ( {\n";
    fs::write(dir.join("app/broken.tsx"), broken).unwrap();
    let out = authfix().args(["fix", "--yes"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "a skipped file makes the exit code 1");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("app/broken.tsx: does not parse"), "{stderr}");
    let fixed = fs::read_to_string(&layout).unwrap();
    assert!(fixed.starts_with('\u{feff}'), "BOM kept");
    assert!(!fixed.starts_with("\u{feff}\"use client\""), "layout fixed");
    assert_eq!(fixed.matches('\n').count(), fixed.matches("\r\n").count(), "CRLF kept:\n{fixed:?}");
    assert_eq!(fs::read_to_string(dir.join("app/broken.tsx")).unwrap(), broken);
}

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = authfix().arg("fix").arg(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Next.js app"));
    assert_eq!(authfix().args(["fix", "--no-such-flag"]).output().unwrap().status.code(), Some(2));
    assert_eq!(authfix().args(["explain", "Z999"]).output().unwrap().status.code(), Some(2));
}

#[test]
fn explain_and_readme_table_come_from_the_rule_docs() {
    let out = authfix().args(["explain", "secure-cookies-node-env"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("# C001 secure-cookies-node-env"));
    assert!(text.contains("## Why is this bad?"));
    let table = String::from_utf8(authfix().args(["rules", "--markdown"]).output().unwrap().stdout).unwrap();
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(readme.contains(&table), "README's rule table is stale: paste `authfix rules --markdown`:\n{table}");
}

#[test]
fn monorepo_apps_are_found_and_fixed_separately() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    copy_dir(&ex.join("broken-v4"), &root.join("apps/web"));
    copy_dir(&ex.join("broken-v5-src"), &root.join("apps/admin"));
    fs::write(root.join("package.json"), r#"{ "name": "mono", "private": true, "workspaces": ["apps/*"] }"#).unwrap();
    // Build output and dependencies are never scanned, nor what .gitignore ignores.
    fs::create_dir_all(root.join("apps/web/.next/server")).unwrap();
    fs::write(root.join("apps/web/.next/server/page.js"), "import { getServerSession } from \"next-auth\"; getServerSession();").unwrap();
    fs::create_dir_all(root.join("apps/web/generated")).unwrap();
    fs::write(root.join("apps/web/generated/x.ts"), "import { getServerSession } from \"next-auth\"; getServerSession();").unwrap();
    fs::write(root.join(".gitignore"), "generated/\n").unwrap();
    let out = authfix().args(["fix", "--dry-run"]).arg(root).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("apps/web/app/layout.tsx:1:1 error[P001]"), "{stdout}");
    assert!(stdout.contains("apps/admin/src/auth.ts:"), "{stdout}");
    assert!(stdout.contains("+++ b/apps/web/lib/auth.ts"));
    assert!(stdout.contains("+++ b/apps/admin/src/components/AuthProvider.tsx"));
    assert!(stdout.contains("in 2 app(s)"));
    assert!(!stdout.contains(".next/server") && !stdout.contains("generated/x.ts"), "{stdout}");
}

#[test]
fn explain_covers_doctor_codes_and_a_closed_pipe_is_not_a_crash() {
    let out = authfix().args(["explain", "D007"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# D007 secure-cookies-over-http (authfix doctor)"));
    let out = authfix().args(["explain", "unused-suppression"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# A001 unused-suppression"));
    // Like `authfix fix --dry-run … | head -1`: the reader goes away after one line.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("authfix"))
        .args(["fix", "--dry-run"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken-v4"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&out.stderr));
}
