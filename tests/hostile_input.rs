//! Hostile input: authfix never crashes, never corrupts, never leaves the project.
use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

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

fn example(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dst = tmp.path().join(name);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name), &dst);
    (tmp, dst)
}

fn authfix(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("authfix").unwrap().env("NO_COLOR", "1").args(args).arg(dir).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

const GATED: &str = "export const authOptions = {\n  providers: [],\n  useSecureCookies: process.env.NODE_ENV === \"production\",\n};\n";
const FIXED: &str = "export const authOptions = {\n  providers: [],\n};\n";

#[test]
fn every_bad_file_gets_a_reason_and_the_rest_is_fixed() {
    let (tmp, dir) = example("broken-v5-src");
    // Not UTF-8, empty, a directory with a source name, a syntax error, a 10 MB minified bundle.
    fs::write(dir.join("src/app/latin1.tsx"), b"export const s = \"caf\xe9\";\n").unwrap();
    fs::write(dir.join("src/app/empty.tsx"), "").unwrap();
    fs::create_dir_all(dir.join("src/app/weird.tsx")).unwrap();
    fs::write(dir.join("src/app/weird.tsx/page.tsx"), "export default function P() { return null; }\n").unwrap();
    // A syntax error in a file the rules need (it uses useSession) is reported; one in a file no
    // rule looks at is never parsed, never edited, and not reported.
    fs::write(dir.join("src/app/broken.tsx"), "import { useSession } from \"next-auth/react\";\nexport default function ( {\n").unwrap();
    fs::write(dir.join("src/app/unrelated.tsx"), "export const x = ;\n").unwrap();
    let mut bundle = String::from("var useSecureCookies=process.env.NODE_ENV,cookies=1;");
    while bundle.len() < 10 << 20 {
        bundle.push_str("function a(b){return b&&b.c?b.c(1,2,3):[1,2,3].map(function(x){return x*2})};");
    }
    fs::create_dir_all(dir.join("public")).unwrap();
    fs::write(dir.join("public/bundle.min.js"), &bundle).unwrap();
    // Links: broken, a loop, and one out of the project (never followed, never written).
    let outside = tmp.path().join("outside.ts");
    fs::write(&outside, GATED).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/nonexistent/file.tsx", dir.join("src/app/dangling.tsx")).unwrap();
        std::os::unix::fs::symlink("loop.tsx", dir.join("src/app/loop.tsx")).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("src/lib-outside.ts")).unwrap();
    }
    // Mixed line endings in a file that needs a fix.
    let mixed = "export const authOptions = {\r\n  providers: [],\n  useSecureCookies: process.env.NODE_ENV === \"production\",\r\n};\r\n";
    fs::write(dir.join("src/mixed.ts"), mixed).unwrap();

    let (code, out, err) = authfix(&dir, &["fix", "--yes"]);
    assert_eq!(code, 1, "something was skipped: exit 1\n{out}\n{err}");
    for (path, reason) in [
        ("src/app/latin1.tsx", "not UTF-8"),
        ("src/app/broken.tsx", "does not parse"),
        ("src/app/dangling.tsx", "broken symbolic link"),
        ("src/app/loop.tsx", "broken symbolic link"),
        ("src/lib-outside.ts", "symbolic link; not followed"),
    ] {
        let line = err.lines().find(|l| l.contains(path)).unwrap_or_else(|| panic!("no reason for {path}:\n{err}"));
        assert!(line.contains(reason), "{path}: {line}");
    }
    // The rest of the run went on: the app's fixes were written.
    assert!(fs::read_to_string(dir.join("src/app/layout.tsx")).unwrap().contains("<AuthProvider>"));
    assert_eq!(
        fs::read_to_string(dir.join("src/mixed.ts")).unwrap(),
        "export const authOptions = {\r\n  providers: [],\n};\r\n",
        "untouched lines keep their own endings"
    );
    // Nothing outside the project, nothing skipped was written.
    assert_eq!(fs::read_to_string(&outside).unwrap(), GATED);
    assert_eq!(fs::read(dir.join("src/app/latin1.tsx")).unwrap(), b"export const s = \"caf\xe9\";\n");
    assert_eq!(fs::read_to_string(dir.join("src/app/broken.tsx")).unwrap(), "import { useSession } from \"next-auth/react\";\nexport default function ( {\n");
    assert!(!err.contains("unrelated.tsx"), "{err}");
    // The minified bundle was read, found gated in an expression (not an object property), left alone.
    assert_eq!(fs::read_to_string(dir.join("public/bundle.min.js")).unwrap().len(), bundle.len());
}

#[test]
fn read_only_file_is_named_and_the_others_are_written() {
    let (_t, dir) = example("broken-v5-src");
    let auth = dir.join("src/auth.ts");
    let before = fs::read_to_string(&auth).unwrap();
    let mut perm = fs::metadata(&auth).unwrap().permissions();
    perm.set_readonly(true);
    fs::set_permissions(&auth, perm).unwrap();
    let (code, _, err) = authfix(&dir, &["fix", "--yes"]);
    assert_eq!(code, 1);
    assert!(err.contains("src/auth.ts: is read-only; not written"), "{err}");
    assert_eq!(fs::read_to_string(&auth).unwrap(), before);
    assert!(fs::read_to_string(dir.join("src/app/layout.tsx")).unwrap().contains("<AuthProvider>"));
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_named() {
    use std::os::unix::fs::PermissionsExt;
    let (tmp, dir) = example("broken-v5-src");
    let secret = dir.join("src/app/private.tsx");
    fs::write(&secret, "export const x = 1;\n").unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    // root reads anything: run as `nobody` when we are root, so the permission really bites.
    let root = unsafe_is_root();
    let out = if root {
        for e in walkdir::WalkDir::new(tmp.path()) {
            let e = e.unwrap();
            if e.path() != secret {
                let mode = if e.file_type().is_dir() { 0o777 } else { 0o666 };
                fs::set_permissions(e.path(), fs::Permissions::from_mode(mode)).unwrap();
            }
        }
        let bin = assert_cmd::cargo::cargo_bin("authfix");
        let Ok(o) = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin)
            .args(["check"])
            .arg(&dir)
            .env("NO_COLOR", "1")
            .output()
        else {
            eprintln!("setpriv unavailable: skipping the unreadable-file check as root");
            return;
        };
        o
    } else {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("authfix")).arg("check").arg(&dir).env("NO_COLOR", "1").output().unwrap()
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.lines().any(|l| l.contains("src/app/private.tsx") && l.contains("ermission denied")), "{err}");
}

fn unsafe_is_root() -> bool {
    std::process::Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

#[cfg(unix)]
#[test]
fn killing_a_run_leaves_every_file_old_or_new() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("big");
    fs::create_dir_all(dir.join("lib")).unwrap();
    fs::write(dir.join("package.json"), r#"{ "dependencies": { "next": "16.4.6", "next-auth": "4.24.15" } }"#).unwrap();
    let n = 3000;
    for i in 0..n {
        fs::write(dir.join(format!("lib/auth-{i}.ts")), GATED.replace("authOptions", &format!("authOptions{i}"))).unwrap();
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("authfix"))
        .args(["fix", "--yes"])
        .arg(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as the first file has been rewritten.
    let started = std::time::Instant::now();
    'wait: loop {
        for i in (0..n).step_by(97) {
            if fs::read_to_string(dir.join(format!("lib/auth-{i}.ts"))).is_ok_and(|t| !t.contains("useSecureCookies")) {
                std::thread::sleep(std::time::Duration::from_millis(40));
                break 'wait;
            }
        }
        if child.try_wait().unwrap().is_some() || started.elapsed().as_secs() > 120 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let _ = child.kill();
    let _ = child.wait();
    let (mut old, mut new) = (0, 0);
    for i in 0..n {
        let t = fs::read_to_string(dir.join(format!("lib/auth-{i}.ts"))).unwrap();
        let name = format!("authOptions{i}");
        if t == GATED.replace("authOptions", &name) {
            old += 1;
        } else if t == FIXED.replace("authOptions", &name) {
            new += 1;
        } else {
            panic!("lib/auth-{i}.ts is half-written:\n{t}");
        }
    }
    eprintln!("killed mid-run: {new} files new, {old} old");
    assert_eq!(old + new, n);
    assert!(new > 0, "the run was killed before writing anything; the test proved nothing");
    // A second run finishes the job.
    let (code, _, _) = authfix(&dir, &["fix", "--yes"]);
    assert_eq!(code, 0);
    for i in 0..n {
        assert_eq!(fs::read_to_string(dir.join(format!("lib/auth-{i}.ts"))).unwrap(), FIXED.replace("authOptions", &format!("authOptions{i}")));
    }
}
