//! `authfix init [PATH]`: add the same Auth.js setup as `new` to an existing Next.js app.
//! Detects the layout, writes only missing files, edits the root layout, env files, .gitignore
//! and package.json in place, and shows everything through the review flow first.
use super::edits;
use super::generate::{next_auth_version, Alias, Plan, ENV_LOCAL};
use super::new::DEMO_EMAIL;
use super::pm::PackageManager;
use super::templates::Templates;
use super::{providers, secret};
use crate::cli::{AuthVersion, ColorChoice, InitArgs};
use crate::review::{review_and_apply, FileChange};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What `init` found in the project.
#[derive(Debug)]
pub struct Detected {
    pub package_json: String,
    pub next_major: u32,
    pub src_dir: bool,
    pub alias: Option<Alias>,
    /// tsconfig.json present: TypeScript; otherwise JavaScript.
    pub typescript: bool,
    pub pm: PackageManager,
    /// `next-auth` already in package.json (its version spec).
    pub next_auth_dep: Option<String>,
    /// Files showing an existing Auth.js setup.
    pub existing_auth: Vec<String>,
    /// The root layout, relative to the root.
    pub layout: Option<String>,
}

pub fn run(args: &InitArgs, _color: ColorChoice) -> i32 {
    match run_inner(args) {
        Ok(code) => code,
        Err(msg) => {
            crate::errln!("authfix init: {msg}");
            2
        }
    }
}

fn read(root: &Path, rel: &str) -> Option<String> {
    std::fs::read_to_string(root.join(rel)).ok()
}

use crate::project::deps::major_of;

/// The tsconfig alias that points at the project root or at `src/` (`@/*`, `~/*`, …).
fn detect_alias(root: &Path) -> Option<Alias> {
    let a = crate::project::deps::read_alias(root)?;
    (a.target.is_empty() || a.target == "src/").then_some(a)
}

const SOURCE_EXTS: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts"];

/// Source files that already use Auth.js, found with the walker `fix` uses.
fn existing_auth_files(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in crate::project::walk::walker(root).build().flatten() {
        let path = entry.path();
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if !SOURCE_EXTS.contains(&ext) || !entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/");
        let is_route = rel.contains("api/auth/[...nextauth]");
        let imports = std::fs::read_to_string(path)
            .map(|t| t.contains("\"next-auth") || t.contains("'next-auth") || t.contains("\"@auth/") || t.contains("'@auth/"))
            .unwrap_or(false);
        if is_route || imports {
            found.push(rel);
        }
    }
    found.sort();
    found
}

pub fn detect(root: &Path) -> Result<Detected, String> {
    let not_next = || format!("{} is not a Next.js app (no package.json with a \"next\" dependency)", root.display());
    let package_json = read(root, "package.json").ok_or_else(not_next)?;
    let pkg: Value = serde_json::from_str(&package_json).map_err(|e| format!("{}/package.json does not parse: {e}", root.display()))?;
    if !crate::project::deps::depends_on(&pkg, "next") {
        return Err(not_next());
    }
    let installed = read(root, "node_modules/next/package.json")
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| v.get("version").and_then(|v| v.as_str()).and_then(major_of));
    // Else the lockfile's version (the app's, or the workspace root's), else the range.
    let workspace = root.canonicalize().ok().and_then(|r| crate::project::roots::Finder::default().roots(&r).workspace);
    let locked = || {
        let r = root.canonicalize().ok()?;
        crate::project::deps::version_of(&r, workspace.as_deref(), &pkg, "next").and_then(|v| major_of(&v))
    };
    let next_major = installed.or_else(locked).unwrap_or(16);
    let src_dir = root.join("src/app").is_dir();
    if !src_dir && !root.join("app").is_dir() {
        return Err(format!("{} has no app/ or src/app/ folder (authfix init sets up the App Router)", root.display()));
    }
    let typescript = root.join("tsconfig.json").is_file();
    let app = if src_dir { "src/app" } else { "app" };
    let layout = ["tsx", "jsx", "js", "ts"].iter().map(|ext| format!("{app}/layout.{ext}")).find(|p| root.join(p).is_file());
    Ok(Detected {
        next_major,
        src_dir,
        alias: detect_alias(root),
        typescript,
        // A workspace app installs with the workspace's package manager (its lockfile is at the root).
        pm: match &workspace {
            Some(w) if !crate::project::deps::LOCKFILES.iter().chain(&["bun.lockb"]).any(|f| root.join(f).is_file()) => {
                PackageManager::detect_project(w, Some(&pkg))
            }
            _ => PackageManager::detect_project(root, Some(&pkg)),
        },
        next_auth_dep: crate::project::deps::dep_range(&pkg, "next-auth"),
        existing_auth: existing_auth_files(root),
        layout,
        package_json,
    })
}

/// Modules other generated files import (root-relative, no extension): they must be ours, in
/// any of the extensions a bundler would pick, or the new setup would not build.
fn imported_by_the_setup(plan: &Plan) -> Vec<String> {
    let src = plan.source_prefix();
    let auth = match plan.auth {
        AuthVersion::V5 => format!("{src}auth"),
        AuthVersion::V4 | AuthVersion::BetterAuth => format!("{src}lib/auth"),
    };
    let mut v = vec![auth, format!("{src}components/AuthProvider"), format!("{src}components/SessionStatus"), format!("{src}components/AuthButtons")];
    if plan.has_credentials() {
        v.push(format!("{src}lib/demo-user"));
    }
    v
}

/// What `init` would do, computed without writing or printing anything (its fresh secrets are
/// registered with the output boundary).
pub struct InitPlan {
    pub root: PathBuf,
    /// The one-line "Detected: …" summary.
    pub detected: String,
    pub notes: Vec<String>,
    /// Every file to create or edit, sorted.
    pub changes: Vec<FileChange>,
    pub added_dep: bool,
    pub has_credentials: bool,
    pub pm: super::pm::PackageManager,
}

fn run_inner(args: &InitArgs) -> Result<i32, String> {
    let InitPlan { root, detected, notes, mut changes, added_dep, has_credentials, pm } = plan(args)?;
    if !args.review.diff {
        crate::outln!("{detected}");
        for n in &notes {
            crate::outln!("note: {n}");
        }
    }
    let writes_env = changes.iter().any(|c| c.rel == Path::new(ENV_LOCAL));
    if args.review.diff {
        // `--diff` output is meant for `git apply`, and secrets are masked in it: a masked
        // secret applied would break sign-in. Leave those files out and say so on stderr.
        let (withheld, rest): (Vec<FileChange>, Vec<FileChange>) = changes.into_iter().partition(|c| crate::output::holds_secret(&c.new));
        changes = rest;
        for c in &withheld {
            crate::errln!(
                "note: {} is left out of this diff: it holds a fresh secret, which is never printed. Use `authfix init --yes` instead of `git apply` to get it, or write it yourself with the keys in .env.example (secret: `openssl rand -base64 32`)",
                c.rel.display()
            );
        }
    }
    let code = review_and_apply(&root, changes, &args.review, "authfix init");
    if code == 0 && !args.review.dry_run && !args.review.diff {
        crate::outln!();
        crate::outln!("Next steps:");
        if added_dep {
            crate::outln!("  {}", pm.install());
        }
        if writes_env && has_credentials {
            crate::outln!("  The demo user ({DEMO_EMAIL}) and its password are in .env.local (AUTH_DEMO_PASSWORD).");
        }
        crate::outln!("  {}   then open http://localhost:3000/dashboard", pm.run("dev"));
    }
    Ok(code)
}

pub fn plan(args: &InitArgs) -> Result<InitPlan, String> {
    if args.auth == AuthVersion::BetterAuth {
        return Err("init adds Auth.js; for Better Auth use `authfix new --auth better-auth`, or move an Auth.js app with `authfix migrate better-auth`".into());
    }
    let providers = providers::resolve(&args.providers)?;
    let root: PathBuf = args.path.clone();
    if !root.is_dir() {
        return Err(format!("{} is not a folder", root.display()));
    }
    let d = detect(&root)?;
    if !d.existing_auth.is_empty() {
        let shown: Vec<&str> = d.existing_auth.iter().take(3).map(String::as_str).collect();
        return Err(format!(
            "{} already has an Auth.js setup ({}{}); run `authfix fix {}` to check it instead",
            root.display(),
            shown.join(", "),
            if d.existing_auth.len() > 3 { ", …" } else { "" },
            root.display()
        ));
    }
    if let Some(spec) = &d.next_auth_dep {
        let want = match args.auth {
            AuthVersion::V5 => 5,
            AuthVersion::V4 | AuthVersion::BetterAuth => 4,
        };
        if major_of(spec) != Some(want) {
            return Err(format!("package.json has next-auth {spec}; pass --auth v{} to match it", major_of(spec).unwrap_or(0)));
        }
    }
    let templates = Templates::load(args.templates.as_deref())?;
    let name = serde_json::from_str::<Value>(&d.package_json)
        .ok()
        .and_then(|p| p.get("name").and_then(|n| n.as_str()).map(str::to_string))
        .unwrap_or_else(|| "app".into());
    let plan = Plan {
        auth: args.auth,
        database: Default::default(),
        src_dir: d.src_dir,
        providers,
        name,
        next_major: d.next_major,
        alias: d.alias.clone(),
        pm: d.pm,
        with_project: false,
        typescript: d.typescript,
        secret: secret::auth_secret()?,
        demo_email: DEMO_EMAIL.into(),
        demo_password: secret::demo_password()?,
        e2e: false,
    };
    let conflicts: Vec<String> = imported_by_the_setup(&plan)
        .into_iter()
        .flat_map(|base| ["ts", "tsx", "js", "jsx", "mjs"].map(|ext| format!("{base}.{ext}")))
        .filter(|rel| root.join(rel).exists())
        .collect();
    if !conflicts.is_empty() {
        return Err(format!(
            "{} already exist(s) and would be imported by the new setup; nothing written (move them away or add Auth.js by hand)",
            conflicts.join(", ")
        ));
    }
    let files = plan.render(&templates)?;
    let secrets = vec![plan.secret.clone(), plan.demo_password.clone()];
    crate::output::register(&secrets);
    let mut changes: Vec<FileChange> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let src = plan.source_prefix();
    let other_proxy = ["proxy", "middleware"]
        .iter()
        .flat_map(|base| ["ts", "js", "mjs", "tsx", "jsx"].map(|ext| format!("{src}{base}.{ext}")))
        .find(|p| root.join(p).exists());

    for f in &files {
        let path = root.join(&f.rel);
        match f.rel.as_str() {
            ENV_LOCAL | ".env.example" => {
                let old = std::fs::read_to_string(&path).ok();
                let Some(old) = old else {
                    changes.push(FileChange { rel: f.rel.clone().into(), old: None, new: f.content.clone() });
                    continue;
                };
                // Append the keys the file lacks, with the comment lines just above each.
                let have = edits::env_keys(&old);
                let mut add: Vec<String> = Vec::new();
                let mut pending_comments: Vec<String> = Vec::new();
                for line in f.content.lines() {
                    let t = line.trim();
                    if t.is_empty() {
                        pending_comments.clear();
                    } else if t.starts_with('#') {
                        pending_comments.push(line.to_string());
                    } else if let Some((k, _)) = t.split_once('=') {
                        if !have.iter().any(|h| h == k.trim()) {
                            add.append(&mut pending_comments);
                            add.push(line.to_string());
                        }
                        pending_comments.clear();
                    }
                }
                if !add.is_empty() {
                    let mut lines = vec![format!("# Added by authfix init ({}):", if plan.auth == AuthVersion::V5 { "Auth.js v5" } else { "NextAuth v4" })];
                    lines.extend(add);
                    changes.push(FileChange { rel: f.rel.clone().into(), new: edits::append_lines(&old, &lines), old: Some(old) });
                }
            }
            rel if rel == format!("{src}{}", plan.proxy_file()) => {
                if let Some(existing) = &other_proxy {
                    notes.push(format!(
                        "{existing} exists: left unchanged. Protect /dashboard there ({}) and exclude api/auth, _next/static, _next/image and favicon.ico from its matcher.",
                        if plan.auth == AuthVersion::V5 { "export the `auth` wrapper from @/auth" } else { "withAuth from next-auth/middleware" }
                    ));
                } else {
                    changes.push(FileChange { rel: f.rel.clone().into(), old: None, new: f.content.clone() });
                }
            }
            _ => {
                if path.exists() {
                    notes.push(format!("{} exists: left unchanged (authfix never overwrites a file).", f.rel));
                } else {
                    changes.push(FileChange { rel: f.rel.clone().into(), old: None, new: f.content.clone() });
                }
            }
        }
    }

    // .gitignore must cover .env*.local.
    let gitignore = read(&root, ".gitignore");
    if !gitignore.as_deref().map(edits::gitignore_covers_env_local).unwrap_or(false) {
        let lines = vec!["# local env files hold secrets".to_string(), ".env*.local".to_string()];
        changes.push(FileChange { rel: ".gitignore".into(), new: edits::append_lines(gitignore.as_deref().unwrap_or(""), &lines), old: gitignore });
    }

    // The root layout renders the AuthProvider around {children}.
    match &d.layout {
        Some(layout) => {
            let text = read(&root, layout).unwrap_or_default();
            let import = plan.import_path(layout, &format!("{src}components/AuthProvider"));
            match authfix_transforms::provider::wrap_layout_children(&text, layout, &import, "AuthProvider") {
                Ok(Some(new)) => changes.push(FileChange { rel: layout.into(), old: Some(text), new }),
                Ok(None) => {}
                Err(e) => notes.push(format!("{e}: wrap {{children}} with <AuthProvider> (from \"{import}\") by hand.")),
            }
        }
        None => notes.push(format!("no root layout in {src}app/: render <AuthProvider> around {{children}} in it by hand.")),
    }

    // package.json: the dependency.
    let version = next_auth_version(plan.auth);
    let mut added_dep = false;
    match edits::add_dependency(&d.package_json, "next-auth", version) {
        Ok(Some(new)) => {
            added_dep = true;
            changes.push(FileChange { rel: "package.json".into(), old: Some(d.package_json.clone()), new })
        }
        Ok(None) => {}
        Err(e) => notes.push(format!("{e} ({})", plan.pm.add(&format!("next-auth@{version}")))),
    }

    changes.sort_by(|a, b| a.rel.cmp(&b.rel));
    let detected = format!(
        "Detected: Next.js {} ({}), {}, alias {}, {}.",
        d.next_major,
        if d.src_dir { "src/app" } else { "app" },
        if d.typescript { "TypeScript" } else { "JavaScript" },
        d.alias.as_ref().map(|a| format!("{}* -> ./{}*", a.prefix, a.target)).unwrap_or_else(|| "none (relative imports)".into()),
        d.pm.name()
    );
    Ok(InitPlan { root, detected, notes, changes, added_dep, has_credentials: plan.has_credentials(), pm: plan.pm })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors() {
        assert_eq!(major_of("^16.4.6"), Some(16));
        assert_eq!(major_of("15.0.0-canary.1"), Some(15));
        assert_eq!(major_of(">=14"), Some(14));
        assert_eq!(major_of("latest"), None);
    }

    #[test]
    fn workspace_app_uses_the_root_lockfile() {
        let d = tempfile::tempdir().unwrap();
        let w = |f: &str, t: &str| {
            let p = d.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        };
        w("pnpm-workspace.yaml", "packages:\n  - apps/*\n");
        w("pnpm-lock.yaml", "importers:\n\n  apps/web:\n    dependencies:\n      next:\n        specifier: '*'\n        version: 15.3.1(react@19.0.0)\n");
        w("apps/web/package.json", r#"{"dependencies":{"next":"*"}}"#);
        w("apps/web/app/layout.tsx", "export default function L({ children }) { return children }\n");
        let det = detect(&d.path().join("apps/web")).unwrap();
        assert_eq!(det.pm, PackageManager::Pnpm);
        assert_eq!(det.next_major, 15, "from the workspace lockfile (the range is `*`)");
        assert_eq!(det.layout.as_deref(), Some("app/layout.tsx"));
    }

    #[test]
    fn alias_detection() {
        let d = tempfile::tempdir().unwrap();
        let write = |t: &str| std::fs::write(d.path().join("tsconfig.json"), t).unwrap();
        write("{ // jsonc\n \"compilerOptions\": { \"paths\": { \"@/*\": [\"./src/*\"] } } }");
        assert_eq!(detect_alias(d.path()), Some(Alias { prefix: "@/".into(), target: "src/".into() }));
        write("{ \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"~/*\": [\"*\"] } } }");
        assert_eq!(detect_alias(d.path()), Some(Alias { prefix: "~/".into(), target: "".into() }));
        write("{ \"compilerOptions\": { \"paths\": { \"@lib/*\": [\"./lib/*\"] } } }");
        assert_eq!(detect_alias(d.path()), None);
    }
}
