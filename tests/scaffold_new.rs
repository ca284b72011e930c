//! `authfix new`: snapshots of the generated tree (version × src-dir × provider mix) and the
//! refusals. Secrets are redacted before snapshotting and checked separately.
use assert_cmd::Command;
use base64::Engine;
use std::path::{Path, PathBuf};

fn authfix() -> Command {
    let mut c = Command::cargo_bin("authfix").unwrap();
    c.env_remove("npm_config_user_agent").env("NO_COLOR", "1");
    c
}

/// Every file under `root` (sorted, `/`-separated), skipping nothing: a new project has no
/// node_modules.
fn tree(root: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn env_value(env: &str, key: &str) -> Option<String> {
    env.lines().find_map(|l| l.strip_prefix(&format!("{key}="))).map(|v| v.trim_matches('"').to_string())
}

struct Generated {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    stdout: String,
    secret: String,
    password: Option<String>,
}

fn generate(args: &[&str]) -> Generated {
    let tmp = tempfile::tempdir().unwrap();
    let out = authfix().current_dir(tmp.path()).args(["new", "--no-install", "my-app"]).args(args).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{}", String::from_utf8_lossy(&out.stderr));
    let root = tmp.path().join("my-app");
    let env = std::fs::read_to_string(root.join(".env.local")).unwrap();
    let secret = env_value(&env, "AUTH_SECRET").or_else(|| env_value(&env, "NEXTAUTH_SECRET")).expect("a secret in .env.local");
    let password = env_value(&env, "AUTH_DEMO_PASSWORD");
    Generated { _tmp: tmp, root, stdout, secret, password }
}

impl Generated {
    fn redact(&self, text: &str) -> String {
        let mut t = text.replace(&self.secret, "[SECRET]");
        if let Some(p) = &self.password {
            t = t.replace(p, "[DEMO_PASSWORD]");
        }
        t
    }

    fn snapshot_text(&self) -> String {
        let mut s = format!("$ authfix new my-app ...\n{}\n", self.redact(&self.stdout));
        for (rel, content) in tree(&self.root) {
            s.push_str(&format!("==================== {rel}\n{}", self.redact(&content)));
            if !content.ends_with('\n') {
                s.push('\n');
            }
        }
        s
    }

    fn file(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

/// Checks every generated project must pass, whatever the options.
fn common_checks(g: &Generated, v5: bool, src: &str) {
    let fix = authfix().args(["--color", "never", "fix", "--dry-run"]).arg(&g.root).output().unwrap();
    assert_eq!(
        fix.status.code(),
        Some(0),
        "authfix fix --dry-run finds nothing in a generated project:\n{}{}",
        String::from_utf8_lossy(&fix.stdout),
        String::from_utf8_lossy(&fix.stderr)
    );
    let raw = base64::engine::general_purpose::STANDARD.decode(&g.secret).unwrap();
    assert_eq!(raw.len(), 32, "secret is 32 bytes");
    assert!(!g.stdout.contains(&g.secret), "the secret is never printed");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(g.root.join(".env.local")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, ".env.local is private");
    }
    assert!(g.file(".gitignore").lines().any(|l| l == ".env*.local"));
    let example = g.file(".env.example");
    assert!(!example.contains(&g.secret));
    for line in example.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        assert!(line.ends_with('='), ".env.example holds names only: {line}");
    }
    let env = g.file(".env.local");
    if v5 {
        assert!(env_value(&env, "AUTH_SECRET").is_some());
        assert!(g.file(&format!("{src}auth.ts")).contains("export const { handlers, auth, signIn, signOut }"));
        assert!(g.file(&format!("{src}app/api/auth/[...nextauth]/route.ts")).contains("export const { GET, POST } = handlers;"));
    } else {
        assert!(env_value(&env, "NEXTAUTH_SECRET").is_some() && env_value(&env, "NEXTAUTH_URL").is_some());
        assert!(g.file(&format!("{src}lib/auth.ts")).contains("export const authOptions: NextAuthOptions"));
        assert!(g.file(&format!("{src}app/api/auth/[...nextauth]/route.ts")).contains("export { handler as GET, handler as POST };"));
        assert!(g.file(&format!("{src}app/dashboard/page.tsx")).contains("getServerSession(authOptions)"));
    }
    let proxy = g.file(&format!("{src}proxy.ts"));
    assert!(proxy.contains("(?!api/auth|_next/static|_next/image|favicon.ico)"));
    assert!(!g.root.join(format!("{src}middleware.ts")).exists());
    assert!(g.file(&format!("{src}components/AuthProvider.tsx")).starts_with("\"use client\";"));
    let layout = g.file(&format!("{src}app/layout.tsx"));
    assert!(!layout.contains("use client") && layout.contains("<AuthProvider>{children}</AuthProvider>"));
    assert!(!layout.contains("next/font/google"), "builds offline");
    let status = g.file(&format!("{src}components/SessionStatus.tsx"));
    assert!(status.contains("status === \"loading\""));
    assert!(!status.contains("redirect(") && !status.contains("router.push") && !status.contains("signIn("));
    let pkg: serde_json::Value = serde_json::from_str(&g.file("package.json")).unwrap();
    assert_eq!(pkg["name"], "my-app");
    let next_auth = pkg["dependencies"]["next-auth"].as_str().unwrap();
    assert_eq!(next_auth, if v5 { "5.0.0-beta.32" } else { "^4.24.15" });
    assert!(pkg["dependencies"]["next"].as_str().unwrap().starts_with("^16."));
    let ts: serde_json::Value = serde_json::from_str(&g.file("tsconfig.json")).unwrap();
    let alias = ts["compilerOptions"]["paths"]["@/*"][0].as_str().unwrap();
    assert_eq!(alias, if src.is_empty() { "./*" } else { "./src/*" });
    e2e_guard_checks(g, &pkg, v5);
}

/// The sign-in regression guard `new` writes by default (issue 15).
fn e2e_guard_checks(g: &Generated, pkg: &serde_json::Value, v5: bool) {
    let pw = pkg["devDependencies"]["@playwright/test"].as_str().expect("@playwright/test in devDependencies");
    assert!(pw.chars().all(|c| c.is_ascii_digit() || c == '.'), "pinned exactly: {pw}");
    assert_eq!(pkg["scripts"]["test:e2e"], "next build && playwright test");
    let config = g.file("playwright.config.ts");
    assert!(config.contains("executablePath: process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE || undefined"));
    assert!(config.contains("command: `npx next start --port ${port}`"));
    assert!(config.contains(if v5 { "AUTH_URL: baseURL" } else { "NEXTAUTH_URL: baseURL" }), "{config}");
    let spec = g.file("e2e/auth.spec.ts");
    if g.password.is_some() {
        for step in ["await page.reload();", "getByTestId(\"client-email\")", "name: \"Sign out\"", "AUTH_DEMO_PASSWORD"] {
            assert!(spec.contains(step), "e2e/auth.spec.ts lacks {step}");
        }
    } else {
        assert!(!spec.contains("AUTH_DEMO_PASSWORD") && spec.contains("/dashboard"));
    }
    let wf = g.file(".github/workflows/auth.yml");
    assert!(wf.contains(&format!("npx --yes authfix@{} check --format github .", env!("CARGO_PKG_VERSION"))));
    assert!(wf.contains("npx playwright install --with-deps chromium") && wf.contains("npm ci") && wf.contains("npm run test:e2e"));
    assert!(wf.contains(if v5 { "echo \"AUTH_SECRET=$secret\"" } else { "echo \"NEXTAUTH_SECRET=$secret\"" }));
    assert!(!wf.contains(&g.secret), "no secret in the workflow");
    assert!(!wf.contains("{{") && !wf.contains("${{"), "no template or expression left over");
    assert!(g.file(".gitignore").lines().any(|l| l == "/test-results/"));
    assert!(g.stdout.contains("npm run test:e2e"));
}

#[test]
fn v5_root_github_credentials() {
    let g = generate(&["--provider", "github,credentials"]);
    common_checks(&g, true, "");
    let password = g.password.clone().expect("a demo password");
    assert_eq!(password.len(), 24);
    assert_eq!(g.stdout.matches(&password).count(), 0, "the demo password is never printed: {}", g.stdout);
    assert!(g.stdout.contains("AUTH_DEMO_PASSWORD in .env.local"), "{}", g.stdout);
    assert!(g.file(".env.local").contains("AUTH_GITHUB_ID="));
    insta::assert_snapshot!("new_v5_root_github_credentials", g.snapshot_text());
}

#[test]
fn v5_src_google_credentials() {
    let g = generate(&["--src-dir", "--provider", "google", "--provider", "credentials"]);
    common_checks(&g, true, "src/");
    assert!(!g.root.join("auth.ts").exists() && !g.root.join("app").exists());
    insta::assert_snapshot!("new_v5_src_google_credentials", g.snapshot_text());
}

#[test]
fn v4_root_github_google() {
    let g = generate(&["--auth", "v4", "--provider", "github,google"]);
    common_checks(&g, false, "");
    assert!(g.password.is_none(), "no demo user without the credentials provider");
    assert!(!g.root.join("lib/demo-user.ts").exists());
    let env = g.file(".env.local");
    assert!(env.contains("GITHUB_ID=") && env.contains("GOOGLE_CLIENT_ID=") && !env.contains("AUTH_GITHUB_ID"));
    insta::assert_snapshot!("new_v4_root_github_google", g.snapshot_text());
}

#[test]
fn v4_src_all_providers() {
    let g = generate(&["--auth", "v4", "--src-dir", "--provider", "credentials,github,google,discord,gitlab"]);
    common_checks(&g, false, "src/");
    assert!(g.password.is_some());
    insta::assert_snapshot!("new_v4_src_all_providers", g.snapshot_text());
}

#[test]
fn no_e2e_leaves_the_guard_out_and_nothing_else() {
    let with = generate(&["--provider", "credentials"]);
    let without = generate(&["--provider", "credentials", "--no-e2e"]);
    for rel in ["e2e/auth.spec.ts", "playwright.config.ts", ".github/workflows/auth.yml"] {
        assert!(with.root.join(rel).exists(), "{rel} by default");
        assert!(!without.root.join(rel).exists(), "{rel} with --no-e2e");
    }
    assert!(!without.root.join(".github").exists() && !without.root.join("e2e").exists());
    let pkg: serde_json::Value = serde_json::from_str(&without.file("package.json")).unwrap();
    assert!(pkg["devDependencies"].get("@playwright/test").is_none() && pkg["scripts"].get("test:e2e").is_none());
    for rel in [".gitignore", "README.md"] {
        assert!(!without.file(rel).to_lowercase().contains("playwright"), "{rel}");
    }
    assert!(!without.stdout.contains("test:e2e"));
    // Every other file is the same, byte for byte (secrets aside).
    let strip = |g: &Generated| -> Vec<(String, String)> {
        tree(&g.root)
            .into_iter()
            .filter(|(rel, _)| ![".env.local", ".gitignore", "README.md", "package.json"].contains(&rel.as_str()))
            .filter(|(rel, _)| !rel.starts_with("e2e/") && !rel.starts_with(".github/") && rel != "playwright.config.ts")
            .map(|(rel, c)| (rel, g.redact(&c)))
            .collect()
    };
    assert_eq!(strip(&with), strip(&without));
    let fix = authfix().args(["--color", "never", "check"]).arg(&without.root).output().unwrap();
    assert_eq!(fix.status.code(), Some(0));
}

#[test]
fn e2e_workflow_follows_the_package_manager() {
    let tmp = tempfile::tempdir().unwrap();
    for (ua, install, setup, test) in [
        ("pnpm/9.12.0 npm/? node/v20.20.2 linux x64", "pnpm install --frozen-lockfile", Some("pnpm/action-setup@v4"), "pnpm test:e2e"),
        ("yarn/4.5.0 npm/? node/v20.20.2 linux x64", "yarn install --immutable", Some("corepack enable"), "yarn test:e2e"),
        ("bun/1.2.0 npm/? node/v20.20.2 linux x64", "bun install --frozen-lockfile", Some("oven-sh/setup-bun@v2"), "bun test:e2e"),
        ("npm/11.0.0 node/v20.20.2 linux x64", "npm ci", None, "npm run test:e2e"),
    ] {
        let name = ua.split('/').next().unwrap();
        let out = authfix().current_dir(tmp.path()).env("npm_config_user_agent", ua).args(["new", "--no-install", name]).output().unwrap();
        assert!(out.status.success());
        let wf = std::fs::read_to_string(tmp.path().join(name).join(".github/workflows/auth.yml")).unwrap();
        assert!(wf.contains(&format!("      - run: {install}\n")), "{name}:\n{wf}");
        assert!(wf.contains(&format!("      - run: {test}\n")), "{name}:\n{wf}");
        for other in ["pnpm/action-setup", "corepack enable", "oven-sh/setup-bun"] {
            assert_eq!(wf.contains(other), setup.is_some_and(|s| s.starts_with(other)), "{name}: {other}");
        }
    }
}

#[test]
fn secrets_differ_between_runs() {
    let a = generate(&["--provider", "credentials"]);
    let b = generate(&["--provider", "credentials"]);
    assert_ne!(a.secret, b.secret);
    assert_ne!(a.password, b.password);
}

#[test]
fn credentials_never_accept_an_arbitrary_password() {
    let g = generate(&["--provider", "credentials"]);
    let demo = g.file("lib/demo-user.ts");
    assert!(demo.contains("if (!demoEmail || !demoPassword) return null;"));
    assert!(demo.contains("constantTimeEqual(password, demoPassword)"));
    assert!(demo.contains("Plug in a real user store here"));
}

#[test]
fn refuses_a_non_empty_folder_and_touches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = authfix().current_dir(tmp.path()).args(["new", "--no-install", "app"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("not empty"), "{err}");
    assert_eq!(tree(&dir), vec![("notes.txt".to_string(), "mine".to_string())]);
}

#[test]
fn force_adds_missing_files_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("package.json"), "{\"name\":\"mine\"}").unwrap();
    std::fs::write(dir.join(".env.local"), "AUTH_SECRET=keep\n").unwrap();
    let out = authfix().current_dir(tmp.path()).args(["new", "--no-install", "--force", "--provider", "credentials", "app"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(std::fs::read_to_string(dir.join("package.json")).unwrap(), "{\"name\":\"mine\"}");
    assert_eq!(std::fs::read_to_string(dir.join(".env.local")).unwrap(), "AUTH_SECRET=keep\n");
    assert!(dir.join("auth.ts").is_file());
    assert!(stdout.contains("= package.json") && stdout.contains("= .env.local"), "{stdout}");
    assert!(!stdout.contains("password:"), "no demo password printed when .env.local was kept: {stdout}");
}

fn fails_with_one_line(args: &[&str], expect: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let out = authfix().current_dir(tmp.path()).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(expect), "{err}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "nothing written");
}

#[test]
fn unknown_provider() {
    fails_with_one_line(&["new", "--no-install", "--provider", "github,myspace", "app"], "unknown provider \"myspace\"");
}

#[test]
fn names_npm_would_reject() {
    fails_with_one_line(&["new", "--no-install", "My App"], "invalid project name \"My App\"");
    fails_with_one_line(&["new", "--no-install", ".hidden"], "must not start with a period");
    fails_with_one_line(&["new", "--no-install", "http"], "built-in");
}

#[test]
fn templates_override_one_file() {
    let tmp = tempfile::tempdir().unwrap();
    let tpl = tmp.path().join("tpl/new");
    std::fs::create_dir_all(&tpl).unwrap();
    std::fs::write(tpl.join("next.config.ts.hbs"), "// {{name}}: custom config\nexport default {};\n").unwrap();
    let out = authfix().current_dir(tmp.path()).args(["new", "--no-install", "--templates", "tpl", "app"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cfg = std::fs::read_to_string(tmp.path().join("app/next.config.ts")).unwrap();
    assert_eq!(cfg, "// app: custom config\nexport default {};\n");
    assert!(tmp.path().join("app/auth.ts").is_file(), "the other templates stay embedded");
}

#[test]
fn templates_override_with_a_broken_template_fails_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let tpl = tmp.path().join("tpl/v5/src");
    std::fs::create_dir_all(&tpl).unwrap();
    std::fs::write(tpl.join("auth.ts.hbs"), "{{no_such_variable}}\n").unwrap();
    let out = authfix().current_dir(tmp.path()).args(["new", "--no-install", "--templates", "tpl", "app"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("template v5/src/auth.ts.hbs"));
    assert!(!tmp.path().join("app").exists(), "nothing written");
}

#[test]
fn next_steps_follow_the_package_manager() {
    let tmp = tempfile::tempdir().unwrap();
    let out = authfix()
        .current_dir(tmp.path())
        .env("npm_config_user_agent", "pnpm/9.12.0 npm/? node/v20.20.2 linux x64")
        .args(["new", "--no-install", "app"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("  pnpm install\n  pnpm dev\n"), "{stdout}");
    let readme = std::fs::read_to_string(tmp.path().join("app/README.md")).unwrap();
    assert!(readme.contains("pnpm dev"));
}

/// A fake package manager on PATH: records where and how it ran, exits with `code`.
/// `authfix` run in `dir` with a fake package manager `name` (exiting `code`) first on PATH;
/// the caller adds its arguments.
#[cfg(unix)]
fn new_with_fake_pm(dir: &Path, name: &str, code: i32) -> Command {
    let bin = dir.join("bin");
    fake_pm(&bin, name, code);
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut cmd = authfix();
    cmd.current_dir(dir).env("PATH", path);
    cmd
}

#[cfg(unix)]
fn fake_pm(bin: &Path, name: &str, code: i32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(bin).unwrap();
    let script = bin.join(name);
    std::fs::write(&script, format!("#!/bin/sh\necho \"{name} $*\" > \"$PWD/.pm-ran\"\nexit {code}\n")).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(unix)]
#[test]
fn install_runs_the_detected_package_manager_in_the_project() {
    let tmp = tempfile::tempdir().unwrap();
    let out = new_with_fake_pm(tmp.path(), "yarn", 0)
        .env("npm_config_user_agent", "yarn/1.22.22 npm/? node/v20.20.2 linux x64")
        .args(["new", "app"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(tmp.path().join("app/.pm-ran")).unwrap(), "yarn install\n");
    assert!(stdout.contains("Running yarn install in app"), "{stdout}");
    assert!(stdout.contains("  cd app\n  yarn dev\n"), "no install step left: {stdout}");
}

#[cfg(unix)]
#[test]
fn failed_install_exits_1_and_keeps_the_project() {
    let tmp = tempfile::tempdir().unwrap();
    let out = new_with_fake_pm(tmp.path(), "npm", 7).args(["new", "app"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`npm install` failed"));
    assert!(tmp.path().join("app/auth.ts").is_file());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("  npm install\n  npm run dev\n"), "install still listed: {stdout}");
}
