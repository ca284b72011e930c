//! Project discovery in monorepos and subfolder apps, through the CLI on real temporary git
//! repositories: workflows at the git root, the lockfile at the workspace root, the root
//! `.gitignore` and `.env.example`, and paths shown relative to the scan root.
use assert_cmd::Command;
use std::fs;
use std::path::Path;

fn write(root: &Path, f: &str, text: &str) {
    let p = root.join(f);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git").arg("-C").arg(dir).args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn commit_all(dir: &Path) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "init"]);
}

fn repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q"]);
    git(d.path(), &["config", "user.email", "t@example.com"]);
    git(d.path(), &["config", "user.name", "t"]);
    d
}

fn authfix(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::cargo_bin("authfix").unwrap().env("NO_COLOR", "1").args(args).arg(dir).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// `(code, file, line, severity)` of every finding.
fn findings(json: &str) -> Vec<(String, String, u64, String)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let mut out: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["range"]["start"]["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

const AUTH_V5: &str = "import NextAuth from \"next-auth\";\nexport const { handlers, auth } = NextAuth({ providers: [] });\n";

/// A turbo-style workspace: the app's package.json asks for `next-auth: *`, the root lockfile
/// says 5.0.0-beta.32; the workflow, `.gitignore` and `.env.example` live at the root.
fn workspace() -> tempfile::TempDir {
    let d = repo();
    let r = d.path();
    write(r, "package.json", r#"{ "private": true, "workspaces": ["apps/*"] }"#);
    write(
        r,
        "package-lock.json",
        r#"{ "lockfileVersion": 3, "packages": { "": {}, "apps/web/node_modules/next-auth": { "version": "5.0.0-beta.32" }, "node_modules/next": { "version": "16.4.6" } } }"#,
    );
    write(r, ".gitignore", "node_modules\n.env\n");
    write(r, ".env.example", "# every app\nAUTH_SECRET=\n");
    write(
        r,
        ".github/workflows/deploy.yml",
        "name: Deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      AUTH_SECRET: \"committed-deploy-secret-0123456789\"\n    steps:\n      - run: echo \"AUTH_SECRET=$(openssl rand -base64 32)\" >> apps/web/.env.production\n      - run: ./scripts/deploy.sh\n",
    );
    write(r, "apps/web/package.json", r#"{ "name": "web", "dependencies": { "next": "*", "next-auth": "*" } }"#);
    write(r, "apps/web/auth.ts", AUTH_V5);
    write(r, "apps/web/.env.production", "NEXTAUTH_URL=https://app.example.com\n");
    commit_all(r);
    d
}

#[test]
fn workspace_root_files_count_and_paths_are_relative_to_the_scan_root() {
    let d = workspace();
    let (_, out, err) = authfix(&["check", "--format", "json", "--select", "E001,E002,E003,E005,E008"], d.path());
    let f = findings(&out);
    let codes: Vec<(&str, &str)> = f.iter().map(|(c, file, _, _)| (c.as_str(), file.as_str())).collect();
    assert_eq!(
        codes,
        vec![
            // The root .gitignore ignores `.env` only.
            ("E002", ".gitignore"),
            // The workflow at the git root (the app is in apps/web).
            ("E003", ".github/workflows/deploy.yml"),
            // v5 (from the workspace root's lockfile: the app's own range is `*`).
            ("E005", "apps/web/.env.production"),
            ("E008", ".github/workflows/deploy.yml"),
        ],
        "no E001: the root .env.example documents the secret\n{out}\n{err}"
    );
    assert!(!out.contains("committed-deploy-secret"), "the workflow's literal is masked");
    assert_eq!(f[0].2, 2, "E002 points at the `.env` line of the root .gitignore");
    assert_eq!(f[3].2, 7, "E008 points at the literal's key");

    // Run from the app folder: the same findings, the root's files shown with `../../`.
    let (_, out, _) = authfix(&["check", "--format", "json", "--select", "E002,E003,E008"], &d.path().join("apps/web"));
    let files: Vec<String> = findings(&out).into_iter().map(|x| x.1).collect();
    assert_eq!(files, vec!["../../.gitignore", "../../.github/workflows/deploy.yml", "../../.github/workflows/deploy.yml"]);
}

#[test]
fn fixes_stay_inside_the_scan_root() {
    let d = workspace();
    let web = d.path().join("apps/web");
    let (code, out, err) = authfix(&["fix", "--yes", "--select", "E002"], &web);
    assert_eq!(code, 0, "{out}\n{err}");
    // The pattern goes into the app's own .gitignore; the root's is untouched.
    assert_eq!(fs::read_to_string(web.join(".gitignore")).unwrap(), ".env*.local\n");
    assert_eq!(fs::read_to_string(d.path().join(".gitignore")).unwrap(), "node_modules\n.env\n");
    let (_, out, _) = authfix(&["check", "--format", "json", "--select", "E002"], &web);
    assert!(findings(&out).is_empty(), "{out}");
}

#[test]
fn root_gitignore_covers_the_app() {
    let d = repo();
    let r = d.path();
    write(r, ".gitignore", "node_modules\n/apps/*/.env*.local\n");
    write(r, "apps/web/package.json", r#"{ "dependencies": { "next": "16.0.0", "next-auth": "5.0.0-beta.32" } }"#);
    write(r, "apps/web/auth.ts", AUTH_V5);
    commit_all(r);
    write(r, "apps/web/.env.local", "AUTH_SECRET=a-local-secret-value-0123456789\n");
    let (_, out, _) = authfix(&["check", "--format", "json", "--select", "E001,E002"], r);
    assert!(findings(&out).is_empty(), "the root .gitignore ignores apps/web/.env.local; it sets the secret: {out}");
    // A pattern for another app does not cover this one.
    write(r, ".gitignore", "node_modules\n/apps/docs/.env*.local\n");
    let (_, out, _) = authfix(&["check", "--format", "json", "--select", "E002"], r);
    assert_eq!(findings(&out).into_iter().map(|x| (x.0, x.1)).collect::<Vec<_>>(), vec![("E002".to_string(), "apps/web/.env.local".to_string())]);
}

/// [`workspace`] with a second package that depends on next and next-auth (an admin app), not yet
/// committed.
fn two_app_workspace() -> tempfile::TempDir {
    let d = workspace();
    write(d.path(), "apps/admin/package.json", r#"{ "name": "admin", "dependencies": { "next": "*", "next-auth": "*" } }"#);
    write(d.path(), "apps/admin/auth.ts", AUTH_V5);
    d
}

#[test]
fn a_finding_in_a_file_above_two_apps_is_reported_once() {
    let d = two_app_workspace();
    let r = d.path();
    commit_all(r);
    let (_, out, err) = authfix(&["check", "--format", "json", "--select", "E003,E008"], r);
    let f: Vec<(String, String)> = findings(&out).into_iter().map(|x| (x.0, x.1)).collect();
    assert_eq!(
        f,
        vec![("E003".into(), ".github/workflows/deploy.yml".into()), ("E008".into(), ".github/workflows/deploy.yml".into())],
        "both apps see the root workflow; each finding once\n{out}\n{err}"
    );
}

#[test]
fn a_file_above_two_apps_that_both_fix_is_changed_once() {
    let d = two_app_workspace();
    let r = d.path();
    // A stale suppression in the root workflow: both apps see it, both fix it (A001).
    write(
        r,
        ".github/workflows/ci.yml",
        "name: CI\non: push\n# authfix-ignore C001: old\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n",
    );
    // The README shows the syntax: not a suppression, never edited.
    write(r, "README.md", "# Monorepo\n\n```ts\n// authfix-ignore C001: TLS ends at our proxy\n```\n");
    commit_all(r);
    let (_, out, err) = authfix(&["fix", "--dry-run", "--select", "A001,C001"], r);
    assert_eq!(out.matches("+++ b/.github/workflows/ci.yml").count(), 1, "one diff for the shared workflow\n{out}\n{err}");
    assert!(out.contains("1 file would change"), "{out}");
    assert!(!out.contains("README.md"), "{out}");
    let (code, _, err) = authfix(&["fix", "--yes", "--select", "A001,C001"], r);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        fs::read_to_string(r.join(".github/workflows/ci.yml")).unwrap(),
        "name: CI\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n"
    );
    let (code, out, _) = authfix(&["fix", "--dry-run", "--select", "A001,C001"], r);
    assert_eq!(code, 0, "a second run changes nothing\n{out}");
}

#[test]
fn subfolder_app_reads_the_workflows_at_the_git_root() {
    let d = repo();
    let r = d.path();
    write(r, "frontend/package.json", r#"{ "dependencies": { "next": "16.0.0", "next-auth": "^4.24.5" } }"#);
    write(r, "frontend/lib/auth.ts", "import type { NextAuthOptions } from \"next-auth\";\nexport const authOptions: NextAuthOptions = { providers: [] };\n");
    write(r, ".github/workflows/release.yml", "on: release\njobs:\n  release:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - run: echo \"NEXTAUTH_SECRET=$(openssl rand -hex 32)\" >> frontend/.env.production\n");
    commit_all(r);
    let (_, out, _) = authfix(&["check", "--format", "json", "--select", "E003"], &r.join("frontend"));
    assert_eq!(findings(&out).into_iter().map(|x| (x.0, x.1, x.2)).collect::<Vec<_>>(), vec![("E003".into(), "../.github/workflows/release.yml".into(), 7)]);
}

#[test]
fn missing_secret_is_a_warning_in_a_fresh_clone_and_an_error_with_local_env_files() {
    let d = repo();
    let r = d.path();
    // v4: `next dev` works without a secret, so a checkout without local env files (the secret
    // lives in the host's settings) only gets a warning.
    write(r, "package.json", r#"{ "dependencies": { "next": "16.0.0", "next-auth": "^4.24.5" } }"#);
    write(
        r,
        "app/api/auth/[...nextauth]/route.ts",
        "import NextAuth from \"next-auth\";\nconst handler = NextAuth({ providers: [] });\nexport { handler as GET, handler as POST };\n",
    );
    write(r, ".gitignore", ".env*.local\n");
    write(r, ".env", "GITHUB_ID=Iv1.0123456789\n");
    commit_all(r);
    let (code, out, _) = authfix(&["check", "--format", "json", "--select", "E001"], r);
    assert_eq!(findings(&out).into_iter().map(|x| (x.0, x.3)).collect::<Vec<_>>(), vec![("E001".to_string(), "warning".to_string())]);
    assert_eq!(code, 0, "a warning does not fail CI");
    // This machine's own (untracked) env file lacks it: `next dev` fails here.
    write(r, ".env.local", "GITHUB_SECRET=abc\n");
    let (code, out, _) = authfix(&["check", "--format", "json", "--select", "E001"], r);
    assert_eq!(findings(&out).into_iter().map(|x| (x.0, x.3)).collect::<Vec<_>>(), vec![("E001".to_string(), "error".to_string())]);
    assert_eq!(code, 1);
}

/// A pnpm workspace whose app renders a `Providers` wrapper shared from `packages/ui` (through
/// the package's barrel and its `exports`), with a `"use client"` page calling `useSession()`.
fn shared_provider_workspace(page_outside: bool) -> tempfile::TempDir {
    let d = repo();
    let r = d.path();
    write(r, "package.json", r#"{ "private": true }"#);
    write(r, "pnpm-workspace.yaml", "packages:\n  - \"apps/*\"\n  - \"packages/*\"\n");
    write(r, "pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
    write(r, "packages/ui/package.json", r#"{ "name": "@repo/ui", "exports": { ".": "./src/index.ts", "./*": "./src/*.tsx" } }"#);
    write(r, "packages/ui/src/index.ts", "export * from \"./providers\";\nexport { Button } from \"./button\";\n");
    write(r, "packages/ui/src/button.tsx", "export function Button() { return <button />; }\n");
    write(
        r,
        "packages/ui/src/providers.tsx",
        "\"use client\";\nimport { SessionProvider } from \"next-auth/react\";\nimport { ThemeProvider } from \"./theme\";\n\nexport function Providers({ children }: { children: React.ReactNode }) {\n  return (\n    <SessionProvider>\n      <ThemeProvider>{children}</ThemeProvider>\n    </SessionProvider>\n  );\n}\n",
    );
    write(
        r,
        "packages/ui/src/theme.tsx",
        "\"use client\";\nexport function ThemeProvider({ children }: { children: React.ReactNode }) { return <>{children}</>; }\n",
    );
    write(r, "packages/typescript-config/package.json", r#"{ "name": "@repo/typescript-config" }"#);
    write(r, "packages/typescript-config/nextjs.json", r#"{ "compilerOptions": { "jsx": "preserve", "strict": true } }"#);
    write(
        r,
        "apps/web/package.json",
        r#"{ "name": "web", "dependencies": { "next": "16.0.0", "next-auth": "5.0.0-beta.32", "@repo/ui": "workspace:*" }, "devDependencies": { "@repo/typescript-config": "workspace:*" } }"#,
    );
    write(
        r,
        "apps/web/tsconfig.json",
        "{\n  \"extends\": \"@repo/typescript-config/nextjs.json\",\n  \"compilerOptions\": { \"paths\": { \"@/*\": [\"./*\"] } }\n}\n",
    );
    write(r, "apps/web/auth.ts", AUTH_V5);
    write(r, "apps/web/app/api/auth/[...nextauth]/route.ts", "import { handlers } from \"@/auth\";\nexport const { GET, POST } = handlers;\n");
    let wrap = if page_outside { "{children}" } else { "<Providers>{children}</Providers>" };
    write(
        r,
        "apps/web/app/layout.tsx",
        &format!("import {{ Providers }} from \"@repo/ui\";\n\nexport default function RootLayout({{ children }}: {{ children: React.ReactNode }}) {{\n  return (\n    <html lang=\"en\">\n      <body>{wrap}</body>\n    </html>\n  );\n}}\n"),
    );
    write(
        r,
        "apps/web/app/dashboard/page.tsx",
        "\"use client\";\nimport { useSession } from \"next-auth/react\";\n\nexport default function Dashboard() {\n  const { data } = useSession();\n  return <p>{data?.user?.name}</p>;\n}\n",
    );
    commit_all(r);
    d
}

#[test]
fn a_provider_shared_from_a_workspace_package_is_followed() {
    let d = shared_provider_workspace(false);
    for dir in [d.path().to_path_buf(), d.path().join("apps/web")] {
        let (_, out, err) = authfix(&["check", "--format", "json", "--select", "P001,P003,P004"], &dir);
        assert!(findings(&out).is_empty(), "the root layout renders the package's SessionProvider wrapper\n{out}\n{err}");
    }
    // Nothing is reported on, or written to, the package's files.
    let (_, out, _) = authfix(&["check", "--format", "json"], d.path());
    assert!(findings(&out).iter().all(|f| f.1.starts_with("apps/web/")), "{out}");

    // The same app without the wrapper: the page's useSession() has no provider.
    let d = shared_provider_workspace(true);
    let (_, out, _) = authfix(&["check", "--format", "json", "--select", "P003"], d.path());
    let f = findings(&out);
    assert_eq!(f.iter().map(|x| (x.0.as_str(), x.1.as_str())).collect::<Vec<_>>(), vec![("P003", "apps/web/app/dashboard/page.tsx")], "{out}");
}

#[test]
fn tsconfig_paths_resolve_even_when_the_preset_it_extends_is_not_installed() {
    let d = repo();
    let r = d.path();
    write(r, "package.json", r#"{ "name": "app", "dependencies": { "next": "16.0.0", "next-auth": "4.24.11" } }"#);
    // Two aliases; the provider comes through the second one, and `extends` names a preset that
    // lives in node_modules (absent in a fresh clone).
    write(
        r,
        "tsconfig.json",
        "{\n  // strict settings\n  \"extends\": \"@tsconfig/strictest/tsconfig.json\",\n  \"compilerOptions\": {\n    \"paths\": { \"@/*\": [\"./src/*\"], \"@ui/*\": [\"./src/components/ui/*\"] },\n  },\n}\n",
    );
    write(
        r,
        "src/components/ui/session.tsx",
        "\"use client\";\nimport { SessionProvider } from \"next-auth/react\";\nexport default function Session({ children }: { children: React.ReactNode }) {\n  return <SessionProvider>{children}</SessionProvider>;\n}\n",
    );
    write(
        r,
        "src/app/layout.tsx",
        "import Session from \"@ui/session\";\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body><Session>{children}</Session></body></html>;\n}\n",
    );
    write(
        r,
        "src/app/me/page.tsx",
        "\"use client\";\nimport { useSession } from \"next-auth/react\";\nexport default function Me() {\n  const { data } = useSession();\n  return <p>{data?.user?.email}</p>;\n}\n",
    );
    commit_all(r);
    let (_, out, err) = authfix(&["check", "--format", "json", "--select", "P001,P003,P004"], r);
    assert!(findings(&out).is_empty(), "{out}\n{err}");
}
