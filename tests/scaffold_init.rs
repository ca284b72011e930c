//! `authfix init`: detection, refusals, and the files it writes into a create-next-app-style
//! project (tests/e2e/fixtures/plain-app, the one the browser tier builds and signs in to).
use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn authfix() -> Command {
    let mut c = Command::cargo_bin("authfix").unwrap();
    c.env("NO_COLOR", "1");
    c
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/fixtures").join(name)
}

/// A copy of the plain app (its `gitignore` renamed to `.gitignore`), as a git repo.
fn plain_app() -> tempfile::TempDir {
    copy_fixture("plain-app")
}

fn copy_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let from = fixture(name);
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&from).unwrap();
        let rel = if rel == Path::new("gitignore") { PathBuf::from(".gitignore") } else { rel.to_path_buf() };
        let to = tmp.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    git(tmp.path(), &["init", "-q"]);
    commit(tmp.path());
    tmp
}

fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git").args(["-c", "user.email=t@t", "-c", "user.name=t"]).args(args).current_dir(dir).status().unwrap().success();
    assert!(ok, "git {args:?}");
}

fn commit(dir: &Path) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "snapshot", "--allow-empty"]);
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = authfix().arg("init").args(args).arg(dir).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn assert_one_line_exit_2(dir: &Path, args: &[&str], expect: &str) {
    let (code, _out, err) = run(dir, args);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(expect), "{err}");
}

fn tree_listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    v.sort();
    v
}

#[test]
fn not_a_next_app() {
    let tmp = tempfile::tempdir().unwrap();
    assert_one_line_exit_2(tmp.path(), &[], "is not a Next.js app");
    std::fs::write(tmp.path().join("package.json"), "{\"dependencies\":{\"react\":\"19\"}}").unwrap();
    assert_one_line_exit_2(tmp.path(), &[], "is not a Next.js app");
    assert_eq!(tree_listing(tmp.path()), ["package.json"]);
}

#[test]
fn pages_router_only_is_refused() {
    let app = plain_app();
    std::fs::remove_dir_all(app.path().join("app")).unwrap();
    assert_one_line_exit_2(app.path(), &["--yes"], "no app/ or src/app/");
}

#[test]
fn javascript_app_gets_javascript_files() {
    let app = copy_fixture("plain-app-js");
    let (code, out, err) = run(app.path(), &["--yes", "--provider", "credentials"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("Detected: Next.js 16 (app), JavaScript, alias @/* -> ./*"), "{out}");
    let files = tree_listing(app.path());
    for f in ["auth.js", "proxy.js", "app/api/auth/[...nextauth]/route.js", "app/dashboard/page.jsx", "components/AuthProvider.jsx", "lib/demo-user.js"] {
        assert!(files.iter().any(|x| x == f), "{f} missing: {files:?}");
    }
    assert!(!files.iter().any(|f| f.ends_with(".ts") || f.ends_with(".tsx")), "{files:?}");
    let layout = read(app.path(), "app/layout.js");
    assert!(layout.contains("import AuthProvider from \"@/components/AuthProvider\";"));
    assert!(layout.contains("<AuthProvider>{children}</AuthProvider>"));
    assert!(!read(app.path(), "auth.js").contains("declare module"));
}

#[test]
fn unknown_provider() {
    let app = plain_app();
    assert_one_line_exit_2(app.path(), &["--provider", "github,friendster", "--yes"], "unknown provider \"friendster\"");
}

#[test]
fn existing_setup_points_at_fix() {
    let app = plain_app();
    std::fs::create_dir_all(app.path().join("lib")).unwrap();
    std::fs::write(app.path().join("lib/auth.ts"), "import type { NextAuthOptions } from \"next-auth\";\n").unwrap();
    let before = tree_listing(app.path());
    assert_one_line_exit_2(app.path(), &["--yes"], "authfix fix");
    assert_eq!(tree_listing(app.path()), before, "nothing written");
}

#[test]
fn version_mismatch_with_installed_next_auth_dependency() {
    let app = plain_app();
    let pkg = read(app.path(), "package.json").replace("\"next\": \"16.4.6\",", "\"next\": \"16.4.6\",\n    \"next-auth\": \"^4.24.15\",");
    std::fs::write(app.path().join("package.json"), pkg).unwrap();
    commit(app.path());
    assert_one_line_exit_2(app.path(), &["--yes"], "pass --auth v4");
    let (code, _, err) = run(app.path(), &["--auth", "v4", "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(app.path(), "package.json").matches("next-auth").count(), 1, "dependency not added twice");
}

#[test]
fn dry_run_writes_nothing_and_masks_secrets() {
    let app = plain_app();
    let before = tree_listing(app.path());
    let (code, out, err) = run(app.path(), &["--dry-run", "--provider", "credentials"]);
    assert_eq!(code, 1, "pending changes: {err}");
    assert_eq!(tree_listing(app.path()), before);
    assert!(out.contains("+++ b/auth.ts") && out.contains("+++ b/app/layout.tsx"), "{out}");
    let secret_line = out.lines().find(|l| l.starts_with("+AUTH_SECRET=")).expect("secret line");
    assert!(secret_line.len() < 30, "masked: {secret_line}");
    let pw_line = out.lines().find(|l| l.starts_with("+AUTH_DEMO_PASSWORD=")).expect("password line");
    assert!(pw_line.len() < "+AUTH_DEMO_PASSWORD=".len() + 10, "masked: {pw_line}");
}

/// The files init adds to the plain app, with secrets replaced.
fn snapshot_of(dir: &Path, files: &[String]) -> String {
    let env = read(dir, ".env.local");
    let mut s = String::new();
    for rel in files {
        let mut text = read(dir, rel);
        for key in ["AUTH_SECRET", "NEXTAUTH_SECRET", "AUTH_DEMO_PASSWORD"] {
            if let Some(v) = env.lines().find_map(|l| l.strip_prefix(&format!("{key}="))) {
                let v = v.trim_matches('"');
                if !v.is_empty() {
                    text = text.replace(v, &format!("[{key}]"));
                }
            }
        }
        s.push_str(&format!("==================== {rel}\n{text}"));
    }
    s
}

#[test]
fn yes_adds_the_setup_keeping_the_layout() {
    let app = plain_app();
    let layout_before = read(app.path(), "app/layout.tsx");
    let (code, out, err) = run(app.path(), &["--yes", "--provider", "credentials,github"]);
    assert_eq!(code, 0, "{out}\n{err}");
    // The layout: only the import and the wrapper were added.
    let layout = read(app.path(), "app/layout.tsx");
    let expected = layout_before
        .replace("import \"./globals.css\";\n", "import \"./globals.css\";\nimport AuthProvider from \"@/components/AuthProvider\";\n")
        .replace("        {children}\n", "        <AuthProvider>{children}</AuthProvider>\n");
    assert_eq!(layout, expected);
    // package.json: the dependency, nothing else.
    let pkg: serde_json::Value = serde_json::from_str(&read(app.path(), "package.json")).unwrap();
    assert_eq!(pkg["dependencies"]["next-auth"], "5.0.0-beta.32");
    assert!(read(app.path(), ".gitignore").lines().any(|l| l == ".env*.local"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(app.path().join(".env.local")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, ".env.local readable by its owner only");
    }
    let env = read(app.path(), ".env.local");
    assert!(env.contains("AUTH_SECRET=\"") && env.contains("AUTH_DEMO_PASSWORD=") && env.contains("AUTH_GITHUB_ID="));
    assert!(!out.contains(env.lines().find(|l| l.starts_with("AUTH_SECRET=")).unwrap()), "secret not printed");
    let files = tree_listing(app.path());
    for f in [
        "auth.ts",
        "proxy.ts",
        "app/api/auth/[...nextauth]/route.ts",
        "app/dashboard/page.tsx",
        "components/AuthProvider.tsx",
        "components/SessionStatus.tsx",
        "components/AuthButtons.tsx",
        "lib/demo-user.ts",
        ".env.example",
    ] {
        assert!(files.iter().any(|x| x == f), "{f} missing: {files:?}");
    }
    let added: Vec<String> = ["auth.ts", "proxy.ts", ".env.example", ".gitignore", "app/layout.tsx", "package.json"].iter().map(|s| s.to_string()).collect();
    insta::assert_snapshot!("init_v5_plain_app", snapshot_of(app.path(), &added));

    let fix = authfix().args(["--color", "never", "fix", "--dry-run"]).arg(app.path()).output().unwrap();
    assert_eq!(fix.status.code(), Some(0), "fix finds nothing after init:\n{}", String::from_utf8_lossy(&fix.stdout));
    // A second run finds the setup and points at fix.
    commit(app.path());
    assert_one_line_exit_2(app.path(), &["--yes"], "already has an Auth.js setup");
}

#[test]
fn never_overwrites_existing_files_and_appends_env_keys() {
    let app = plain_app();
    std::fs::create_dir_all(app.path().join("app/dashboard")).unwrap();
    std::fs::write(app.path().join("app/dashboard/page.tsx"), "export default function D() { return null }\n").unwrap();
    std::fs::write(app.path().join(".env.local"), "DATABASE_URL=postgres://x\n").unwrap();
    std::fs::write(app.path().join("proxy.ts"), "export function proxy() {}\n").unwrap();
    commit(app.path());
    let (code, out, err) = run(app.path(), &["--yes", "--provider", "github"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(read(app.path(), "app/dashboard/page.tsx"), "export default function D() { return null }\n");
    assert_eq!(read(app.path(), "proxy.ts"), "export function proxy() {}\n");
    assert!(out.contains("app/dashboard/page.tsx exists: left unchanged"), "{out}");
    assert!(out.contains("proxy.ts exists: left unchanged"), "{out}");
    let env = read(app.path(), ".env.local");
    assert!(env.starts_with("DATABASE_URL=postgres://x\n"), "{env}");
    assert!(env.contains("\nAUTH_SECRET=\"") && env.contains("\nAUTH_GITHUB_ID="), "{env}");
    assert!(!env.contains("AUTH_DEMO_PASSWORD"), "no demo user without credentials");
}

#[test]
fn src_dir_alias_and_next_15_middleware() {
    let app = plain_app();
    std::fs::create_dir_all(app.path().join("src")).unwrap();
    std::fs::rename(app.path().join("app"), app.path().join("src/app")).unwrap();
    let ts = read(app.path(), "tsconfig.json").replace("\"@/*\": [\"./*\"]", "\"~/*\": [\"./src/*\"]");
    std::fs::write(app.path().join("tsconfig.json"), ts).unwrap();
    let pkg = read(app.path(), "package.json").replace("\"next\": \"16.4.6\"", "\"next\": \"^15.5.0\"");
    std::fs::write(app.path().join("package.json"), pkg).unwrap();
    commit(app.path());
    let (code, out, err) = run(app.path(), &["--yes", "--auth", "v4", "--provider", "google"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let files = tree_listing(app.path());
    assert!(files.iter().any(|f| f == "src/middleware.ts") && !files.iter().any(|f| f.ends_with("proxy.ts")), "{files:?}");
    assert!(files.iter().any(|f| f == "src/lib/auth.ts"));
    assert!(read(app.path(), "src/app/layout.tsx").contains("import AuthProvider from \"~/components/AuthProvider\";"));
    assert!(read(app.path(), "src/app/dashboard/page.tsx").contains("from \"~/lib/auth\""));
    assert!(read(app.path(), "src/middleware.ts").contains("withAuth"));
    assert!(read(app.path(), ".env.local").contains("GOOGLE_CLIENT_ID="));
}

#[test]
fn diff_is_git_apply_able_and_leaves_secrets_out() {
    let app = plain_app();
    let out = authfix().args(["init", "--diff", "--provider", "credentials"]).arg(app.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "changes pending");
    let diff = String::from_utf8(out.stdout).unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(diff.starts_with("--- "), "only the diff on stdout: {diff}");
    assert!(!diff.contains("AUTH_SECRET=\""), "no (masked) secret to apply: {diff}");
    assert!(err.contains(".env.local is left out of this diff"), "{err}");
    std::fs::write(app.path().join("init.diff"), &diff).unwrap();
    git(app.path(), &["apply", "init.diff"]);
    assert!(read(app.path(), "app/layout.tsx").contains("<AuthProvider>{children}</AuthProvider>"));
    assert!(app.path().join("auth.ts").is_file() && !app.path().join(".env.local").exists());
}
