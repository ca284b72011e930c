//! `authfix new <DIR>`: a fresh Next.js App Router project with a working Auth.js setup.
use super::generate::{Alias, OutFile, Plan, ENV_LOCAL};
use super::pm::PackageManager;
use super::templates::Templates;
use super::{providers, secret, validate};
use crate::cli::{AuthVersion, ColorChoice, NewArgs};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const DEMO_EMAIL: &str = "demo@example.com";

/// Exit codes: 0 done, 1 the install (or a write) failed, 2 bad input.
pub fn run(args: &NewArgs, _color: ColorChoice) -> i32 {
    match run_inner(args) {
        Ok(code) => code,
        Err(Failure::Input(msg)) => {
            crate::errln!("authfix new: {msg}");
            2
        }
        Err(Failure::Io(msg)) => {
            crate::errln!("authfix new: {msg}");
            1
        }
    }
}

enum Failure {
    Input(String),
    Io(String),
}

/// The folder's name, which becomes the package name (`.` and `..` resolved first).
fn package_name(dir: &Path) -> Result<String, Failure> {
    let named = dir.file_name().filter(|n| *n != "." && *n != "..").map(|n| n.to_string_lossy().into_owned());
    let name = match named {
        Some(n) => n,
        None => std::path::absolute(dir)
            .ok()
            .and_then(|p| p.canonicalize().ok().or(Some(p)))
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .ok_or_else(|| Failure::Input(format!("cannot take a package name from {}", dir.display())))?,
    };
    validate::npm_package_name(&name).map_err(|why| Failure::Input(format!("invalid project name \"{name}\": {why} (npm would reject it)")))?;
    Ok(name)
}

fn run_inner(args: &NewArgs) -> Result<i32, Failure> {
    if args.database != crate::cli::Database::Postgres && args.auth != AuthVersion::BetterAuth {
        return Err(Failure::Input("--database goes with --auth better-auth (Auth.js projects get no database)".into()));
    }
    let providers = providers::resolve(&args.providers).map_err(Failure::Input)?;
    let dir = &args.dir;
    let name = package_name(dir)?;

    if dir.exists() {
        if !dir.is_dir() {
            return Err(Failure::Input(format!("{} exists and is not a folder", dir.display())));
        }
        let non_empty = std::fs::read_dir(dir).map_err(|e| Failure::Io(format!("{}: {e}", dir.display())))?.next().is_some();
        if non_empty && !args.force {
            return Err(Failure::Input(format!("{} is not empty; nothing written (--force adds the missing files, never overwrites one)", dir.display())));
        }
    }

    let templates = Templates::load(args.templates.as_deref()).map_err(Failure::Input)?;
    let pm = PackageManager::from_user_agent(std::env::var("npm_config_user_agent").ok().as_deref());
    let has_credentials = providers.iter().any(|p| !p.oauth);
    let plan = Plan {
        auth: args.auth,
        database: args.database,
        src_dir: args.src_dir,
        providers,
        name: name.clone(),
        next_major: 16,
        alias: Some(Alias { prefix: "@/".into(), target: if args.src_dir { "src/".into() } else { String::new() } }),
        pm,
        with_project: true,
        typescript: true,
        secret: secret::auth_secret().map_err(Failure::Io)?,
        demo_email: DEMO_EMAIL.into(),
        demo_password: secret::demo_password().map_err(Failure::Io)?,
        e2e: !args.no_e2e,
    };
    crate::output::register(&[&plan.secret, &plan.demo_password]);
    let files = plan.render(&templates).map_err(Failure::Input)?;

    std::fs::create_dir_all(dir).map_err(|e| Failure::Io(format!("{}: {e}", dir.display())))?;
    let mut created = Vec::new();
    let mut kept = Vec::new();
    for f in &files {
        match write_new_file(dir, f) {
            Ok(true) => created.push(f.rel.as_str()),
            Ok(false) => kept.push(f.rel.as_str()),
            Err(e) => return Err(Failure::Io(e)),
        }
    }

    let version = match args.auth {
        AuthVersion::V5 => "Auth.js v5",
        AuthVersion::V4 => "Auth.js v4",
        AuthVersion::BetterAuth => "Better Auth 1.7",
    };
    let ids: Vec<&str> = plan.providers.iter().map(|p| p.id).collect();
    crate::outln!("Created {} (Next.js 16, {version}, providers: {}): {} files", dir.display(), ids.join(", "), created.len());
    for rel in &created {
        if *rel == ENV_LOCAL {
            crate::outln!("  + {rel}  (secrets, mode 0600, git-ignored)");
        } else {
            crate::outln!("  + {rel}");
        }
    }
    if !kept.is_empty() {
        crate::outln!("Kept {} existing file(s) unchanged:", kept.len());
        for rel in &kept {
            crate::outln!("  = {rel}");
        }
    }
    if has_credentials && created.contains(&ENV_LOCAL) && args.auth != AuthVersion::BetterAuth {
        crate::outln!();
        crate::outln!("Demo user (credentials provider):");
        crate::outln!("  email:    {DEMO_EMAIL}");
        crate::outln!("  password: AUTH_DEMO_PASSWORD in .env.local (secrets are never printed)");
    }
    let oauth: Vec<_> = plan.providers.iter().filter(|p| p.oauth).collect();
    if !oauth.is_empty() {
        crate::outln!();
        crate::outln!("Register these callback URLs, then fill the keys in .env.local:");
        for p in oauth {
            crate::outln!("  {:<8} http://localhost:3000/api/auth/callback/{}  ({})", p.name, p.id, p.console);
        }
    }

    let mut code = 0;
    let installed = if args.no_install {
        false
    } else {
        crate::outln!();
        crate::outln!("Running {} in {} ...", pm.install(), dir.display());
        match std::process::Command::new(pm.name()).arg("install").current_dir(dir).status() {
            Ok(s) if s.success() => true,
            Ok(s) => {
                crate::errln!("authfix new: `{}` failed ({s}); the project is written, run it again by hand", pm.install());
                code = 1;
                false
            }
            Err(e) => {
                crate::errln!("authfix new: cannot run `{}`: {e}; the project is written, install by hand", pm.install());
                code = 1;
                false
            }
        }
    };
    crate::outln!();
    crate::outln!("Next steps:");
    if dir != Path::new(".") {
        crate::outln!("  cd {}", shell_quote(dir));
    }
    if !installed {
        crate::outln!("  {}", pm.install());
    }
    if args.auth == AuthVersion::BetterAuth {
        crate::outln!("  {}   (creates Better Auth's tables: db/better-auth.sql)", pm.run("db:migrate"));
        crate::outln!("  {}", pm.run("dev"));
        crate::outln!("Then open http://localhost:3000/sign-in");
    } else {
        crate::outln!("  {}", pm.run("dev"));
        crate::outln!("Then open http://localhost:3000/dashboard");
    }
    if plan.e2e {
        crate::outln!();
        crate::outln!("Sign-in regression guard (e2e/auth.spec.ts, also run by .github/workflows/auth.yml):");
        crate::outln!("  npx playwright install chromium");
        crate::outln!("  {}", pm.run("test:e2e"));
    }
    Ok(code)
}

/// Write `f` under `root` unless a file is already there. `Ok(false)`: kept the existing file.
/// `.env.local` is created with mode 0600.
pub fn write_new_file(root: &Path, f: &OutFile) -> Result<bool, String> {
    let path: PathBuf = root.join(&f.rel);
    if path.exists() || path.symlink_metadata().is_ok() {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        if f.rel == ENV_LOCAL {
            opts.mode(0o600);
        }
    }
    let mut file = match opts.open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    file.write_all(f.content.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(true)
}

fn shell_quote(p: &Path) -> String {
    let s = p.display().to_string();
    if s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)) {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
