//! Rendering the templates into a list of files for one project layout.
use super::pm::PackageManager;
use super::providers::Provider;
use super::templates::Templates;
use crate::cli::AuthVersion;
use serde_json::{json, Value};

/// Package versions `new` writes into package.json (all served by the npm registry;
/// `next-auth@beta` is not, so v5 is pinned by version).
pub const NEXT_VERSION: &str = "^16.4.6";
pub const REACT_VERSION: &str = "^19.3.1";
pub const NEXT_AUTH_V5: &str = "5.0.0-beta.32";
pub const NEXT_AUTH_V4: &str = "^4.24.15";
/// `@playwright/test` for the scaffold's sign-in guard, pinned exactly: its browsers are tied to
/// the version.
pub const PLAYWRIGHT_VERSION: &str = "1.65.1";

/// The Better Auth line `new --auth better-auth` pins (the one `migrate better-auth` writes).
pub const BETTER_AUTH: &str = authfix_transforms::migrate::BETTER_AUTH_RANGE;

pub fn next_auth_version(auth: AuthVersion) -> &'static str {
    match auth {
        AuthVersion::V5 => NEXT_AUTH_V5,
        AuthVersion::V4 => NEXT_AUTH_V4,
        AuthVersion::BetterAuth => "",
    }
}

/// A tsconfig path alias: `prefix` (`@/`) maps to `target` (`""` or `"src/"`, relative to the
/// root). The same type the rules and `fix` use.
pub use authfix_transforms::Alias;

/// Everything that decides what gets generated.
pub struct Plan {
    pub auth: AuthVersion,
    /// The database of a Better Auth project.
    pub database: crate::cli::Database,
    pub src_dir: bool,
    pub providers: Vec<&'static Provider>,
    /// The package name (also the app title).
    pub name: String,
    /// Next.js major version: `proxy.ts` from 16 on, `middleware.ts` below.
    pub next_major: u32,
    /// Imports between generated files go through this alias; relative paths without one.
    pub alias: Option<Alias>,
    pub pm: PackageManager,
    /// Also render the `new` set (package.json, tsconfig, layout, home page, README…).
    pub with_project: bool,
    /// TypeScript (`.ts`/`.tsx`); JavaScript (`.js`/`.jsx`, no type syntax) otherwise.
    pub typescript: bool,
    pub secret: String,
    pub demo_email: String,
    pub demo_password: String,
    /// The sign-in regression guard: a Playwright test, its config and a GitHub workflow
    /// (`new` only; `--no-e2e` leaves it out).
    pub e2e: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    /// Path relative to the project root, `/`-separated.
    pub rel: String,
    pub content: String,
}

pub const ENV_LOCAL: &str = ".env.local";

impl Plan {
    pub fn source_prefix(&self) -> &'static str {
        if self.src_dir {
            "src/"
        } else {
            ""
        }
    }

    pub fn proxy_file(&self) -> String {
        let base = if self.next_major >= 16 { "proxy.ts" } else { "middleware.ts" };
        self.with_ext(base)
    }

    /// Where the auth config lives, relative to the root.
    pub fn auth_file(&self) -> String {
        match self.auth {
            AuthVersion::V5 => self.with_ext(&format!("{}auth.ts", self.source_prefix())),
            AuthVersion::V4 | AuthVersion::BetterAuth => self.with_ext(&format!("{}lib/auth.ts", self.source_prefix())),
        }
    }

    /// `x.ts` / `x.tsx` as this project names it (`x.js` / `x.jsx` in JavaScript projects).
    pub fn with_ext(&self, path: &str) -> String {
        if self.typescript {
            return path.to_string();
        }
        if let Some(base) = path.strip_suffix(".tsx") {
            format!("{base}.jsx")
        } else if let Some(base) = path.strip_suffix(".ts") {
            format!("{base}.js")
        } else {
            path.to_string()
        }
    }

    pub fn has_credentials(&self) -> bool {
        self.providers.iter().any(|p| !p.oauth)
    }

    /// Map a template's path inside its set to the generated file's path.
    fn output_path(&self, template_rel: &str) -> String {
        let rel = template_rel.strip_suffix(".hbs").unwrap_or(template_rel);
        let rel = match rel.strip_prefix("src/") {
            Some(rest) => format!("{}{rest}", self.source_prefix()),
            None => rel.to_string(),
        };
        let rel = if rel == format!("{}proxy.ts", self.source_prefix()) {
            format!("{}{}", self.source_prefix(), if self.next_major >= 16 { "proxy.ts" } else { "middleware.ts" })
        } else {
            rel
        };
        self.with_ext(&rel)
    }

    /// The module specifier a file at `from` (root-relative) uses to import `target`
    /// (root-relative, without extension).
    pub fn import_path(&self, from: &str, target: &str) -> String {
        if let Some(alias) = &self.alias {
            if let Some(rest) = target.strip_prefix(alias.target.as_str()) {
                return format!("{}{rest}", alias.prefix);
            }
        }
        relative_import(from, target)
    }

    fn providers_json(&self) -> Vec<Value> {
        self.providers
            .iter()
            .map(|p| {
                let (import, env_id, env_secret) = match self.auth {
                    AuthVersion::V5 => (p.v5_import, p.v5_env_id(), p.v5_env_secret()),
                    AuthVersion::V4 => (p.v4_import, p.v4_env_id.to_string(), p.v4_env_secret.to_string()),
                    // Better Auth's docs name them <ID>_CLIENT_ID / <ID>_CLIENT_SECRET.
                    AuthVersion::BetterAuth => ("", format!("{}_CLIENT_ID", p.id.to_ascii_uppercase()), format!("{}_CLIENT_SECRET", p.id.to_ascii_uppercase())),
                };
                json!({
                    "id": p.id,
                    "name": p.name,
                    "module": p.module,
                    "import": import,
                    "env_id": env_id,
                    "env_secret": env_secret,
                    "oauth": p.oauth,
                    "console": p.console,
                    "callback": format!("http://localhost:3000/api/auth/callback/{}", p.id),
                })
            })
            .collect()
    }

    fn context(&self, file: &str) -> Value {
        let src = self.source_prefix();
        let auth_target = match self.auth {
            AuthVersion::V5 => format!("{src}auth"),
            AuthVersion::V4 | AuthVersion::BetterAuth => format!("{src}lib/auth"),
        };
        let imp = |t: &str| self.import_path(file, t);
        let postgres = self.database == crate::cli::Database::Postgres;
        let dialect = if postgres { authfix_transforms::migrate::Dialect::Postgres } else { authfix_transforms::migrate::Dialect::Sqlite };
        let providers = self.providers_json();
        let oauth: Vec<Value> = providers.iter().filter(|p| p["oauth"] == true).cloned().collect();
        json!({
            "name": self.name,
            "v5": self.auth == AuthVersion::V5,
            "v4": self.auth == AuthVersion::V4,
            "better_auth": self.auth == AuthVersion::BetterAuth,
            "db_postgres": postgres,
            "db_sqlite": !postgres,
            "schema_sql": authfix_transforms::migrate::data::create_tables(dialect),
            "src_dir": self.src_dir,
            "ts": self.typescript,
            "source_prefix": src,
            "app_dir": format!("{src}app"),
            "auth_file": self.auth_file(),
            "proxy_file": self.proxy_file(),
            "proxy_export": if self.next_major >= 16 { "proxy" } else { "middleware" },
            "providers": providers,
            "oauth_providers": oauth,
            "has_oauth": self.providers.iter().any(|p| p.oauth),
            "has_credentials": self.has_credentials(),
            "imports": {
                "auth": imp(&auth_target),
                "authProvider": imp(&format!("{src}components/AuthProvider")),
                "sessionStatus": imp(&format!("{src}components/SessionStatus")),
                "authButtons": imp(&format!("{src}components/AuthButtons")),
                "demoUser": imp(&format!("{src}lib/demo-user")),
                "authClient": imp(&format!("{src}lib/auth-client")),
            },
            "versions": {
                "next": NEXT_VERSION,
                "react": REACT_VERSION,
                "next_auth": next_auth_version(self.auth),
                "better_auth": BETTER_AUTH,
                "pg": "^8.23.1",
                "types_pg": "^8",
                "better_sqlite3": "^12",
                "types_better_sqlite3": "^7",
                "typescript": "^5.9.3",
                "types_node": "^22",
                "types_react": "^19",
                "playwright": PLAYWRIGHT_VERSION,
            },
            "e2e": self.e2e && self.with_project,
            "authfix_version": env!("CARGO_PKG_VERSION"),
            "pm_ci": self.pm.ci_install(),
            "pm_pnpm": self.pm == PackageManager::Pnpm,
            "pm_yarn": self.pm == PackageManager::Yarn,
            "pm_bun": self.pm == PackageManager::Bun,
            "pm_test_e2e": self.pm.run("test:e2e"),
            "pm_db_migrate": self.pm.run("db:migrate"),
            "pm_install": self.pm.install(),
            "pm_dev": self.pm.run("dev"),
            "secret": self.secret,
            "demo_email": self.demo_email,
            "demo_password": self.demo_password,
        })
    }

    /// Render every template of the plan's sets. Files that render to nothing but whitespace
    /// (a template whose content is conditional) are left out.
    pub fn render(&self, templates: &Templates) -> Result<Vec<OutFile>, String> {
        let mut hb = handlebars::Handlebars::new();
        hb.register_escape_fn(handlebars::no_escape);
        hb.set_strict_mode(true);
        let mut sets = match self.auth {
            AuthVersion::V5 => vec!["common", "v5"],
            AuthVersion::V4 => vec!["common", "v4"],
            // Its own set: no next-auth component (AuthProvider, SessionStatus) applies.
            AuthVersion::BetterAuth => vec!["better-auth"],
        };
        if self.with_project {
            sets.insert(0, "new");
        }
        let mut out: Vec<OutFile> = Vec::new();
        for set in sets {
            for (rel, text) in templates.set(set) {
                let path = self.output_path(rel);
                let content = hb.render_template(text, &self.context(&path)).map_err(|e| format!("template {set}/{rel}: {e}"))?;
                if content.trim().is_empty() {
                    continue;
                }
                if let Some(prev) = out.iter_mut().find(|f| f.rel == path) {
                    prev.content = content;
                } else {
                    out.push(OutFile { rel: path, content });
                }
            }
        }
        out.sort_by(|a, b| a.rel.cmp(&b.rel));
        Ok(out)
    }
}

/// `./x` / `../x` from the folder of `from` to `target` (both root-relative, `/`-separated).
pub fn relative_import(from: &str, target: &str) -> String {
    let from_dir: Vec<&str> = {
        let mut parts: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
        parts.pop();
        parts
    };
    let to: Vec<&str> = target.split('/').filter(|s| !s.is_empty()).collect();
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = from_dir.len() - common;
    let rest = to[common..].join("/");
    if ups == 0 {
        format!("./{rest}")
    } else {
        format!("{}{rest}", "../".repeat(ups))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::providers;

    fn plan(auth: AuthVersion, src_dir: bool, alias: bool, names: &[&str]) -> Plan {
        Plan {
            database: Default::default(),
            auth,
            src_dir,
            providers: providers::resolve(&names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap(),
            name: "demo".into(),
            next_major: 16,
            alias: alias.then(|| Alias { prefix: "@/".into(), target: if src_dir { "src/".into() } else { "".into() } }),
            pm: PackageManager::Npm,
            with_project: true,
            typescript: true,
            secret: "SECRET".into(),
            demo_email: "demo@example.com".into(),
            demo_password: "PASSWORD".into(),
            e2e: true,
        }
    }

    #[test]
    fn better_auth_projects_have_the_migrated_shape() {
        let templates = Templates::load(None).unwrap();
        for (db, src_dir) in [(crate::cli::Database::Postgres, false), (crate::cli::Database::Sqlite, true)] {
            let mut p = plan(AuthVersion::BetterAuth, src_dir, true, &["credentials", "github"]);
            p.database = db;
            let files = p.render(&templates).unwrap();
            let get = |rel: &str| files.iter().find(|f| f.rel == rel).map(|f| f.content.as_str()).unwrap_or_else(|| panic!("{rel} missing"));
            let s = if src_dir { "src/" } else { "" };
            // The files `migrate better-auth` produces, and none of Auth.js's.
            for rel in [format!("{s}lib/auth.ts"), format!("{s}lib/auth-client.ts"), format!("{s}app/api/auth/[...all]/route.ts"), format!("{s}proxy.ts")] {
                get(&rel);
            }
            assert!(
                files.iter().all(|f| !f.content.contains("next-auth") && !f.rel.contains("nextauth") && !f.rel.contains("AuthProvider")),
                "Auth.js left in a Better Auth project"
            );
            let auth = get(&format!("{s}lib/auth.ts"));
            assert!(auth.contains("plugins: [nextCookies()]") && auth.contains("emailAndPassword") && auth.contains("github: {"), "{auth}");
            let pkg: serde_json::Value = serde_json::from_str(get("package.json")).unwrap();
            assert_eq!(pkg["dependencies"]["better-auth"], BETTER_AUTH);
            let env = get(".env.local");
            assert!(env.contains("BETTER_AUTH_SECRET=\"SECRET\"") && env.contains("GITHUB_CLIENT_ID="), "{env}");
            let dialect = match db {
                crate::cli::Database::Postgres => {
                    assert!(auth.contains("new Pool(") && pkg["dependencies"]["pg"].is_string() && env.contains("DATABASE_URL="));
                    authfix_transforms::migrate::Dialect::Postgres
                }
                crate::cli::Database::Sqlite => {
                    assert!(auth.contains("new Database(") && pkg["dependencies"]["better-sqlite3"].is_string() && !env.contains("DATABASE_URL"));
                    authfix_transforms::migrate::Dialect::Sqlite
                }
            };
            // The schema file is the same DDL `--emit-sql` writes for that dialect.
            assert!(get("db/better-auth.sql").contains(&authfix_transforms::migrate::data::create_tables(dialect)));
            // The Playwright guard is Better Auth's: its pages, endpoints and env names, none of
            // Auth.js's (`/api/auth/signin`, AUTH_URL, NEXTAUTH_SECRET).
            let spec = get("e2e/auth.spec.ts");
            assert!(spec.contains("form#sign-up") && spec.contains("/api/auth/get-session") && spec.contains("toHaveURL(/\\/sign-in$/)"), "{spec}");
            let config = get("playwright.config.ts");
            assert!(config.contains("BETTER_AUTH_URL: baseURL"), "{config}");
            let wf = get(".github/workflows/auth.yml");
            assert!(wf.contains("BETTER_AUTH_SECRET=$secret") && wf.contains("run: npm run db:migrate") && wf.contains("run: npm run test:e2e"), "{wf}");
            assert_eq!(wf.contains("image: postgres:17"), db == crate::cli::Database::Postgres, "{wf}");
            for (rel, text) in [("e2e/auth.spec.ts", spec), ("playwright.config.ts", config), (".github/workflows/auth.yml", wf)] {
                let authjs_env = text.replace("BETTER_AUTH_", "");
                assert!(!text.contains("/api/auth/signin") && !authjs_env.contains("AUTH_URL") && !authjs_env.contains("AUTH_SECRET"), "{rel}: {text}");
            }
            assert_eq!(pkg["scripts"]["test:e2e"], "next build && playwright test");
            assert!(pkg["devDependencies"]["@playwright/test"].is_string());
            assert_eq!(get(".gitignore").contains("/sqlite.db"), db == crate::cli::Database::Sqlite);
            // --no-e2e leaves all of it out.
            p.e2e = false;
            let files = p.render(&templates).unwrap();
            assert!(files.iter().all(|f| !f.rel.starts_with("e2e/") && f.rel != "playwright.config.ts" && !f.rel.starts_with(".github/")));
            let pkg: serde_json::Value = serde_json::from_str(&files.iter().find(|f| f.rel == "package.json").unwrap().content).unwrap();
            assert!(pkg["scripts"]["test:e2e"].is_null() && pkg["devDependencies"]["@playwright/test"].is_null());
        }
    }

    #[test]
    fn relative_imports() {
        assert_eq!(relative_import("app/dashboard/page.tsx", "auth"), "../../auth");
        assert_eq!(relative_import("src/app/layout.tsx", "src/components/AuthProvider"), "../components/AuthProvider");
        assert_eq!(relative_import("proxy.ts", "auth"), "./auth");
        assert_eq!(relative_import("lib/auth.ts", "lib/demo-user"), "./demo-user");
    }

    #[test]
    fn without_alias_imports_are_relative() {
        let files = plan(AuthVersion::V5, true, false, &["github"]).render(&Templates::load(None).unwrap()).unwrap();
        let page = files.iter().find(|f| f.rel == "src/app/dashboard/page.tsx").unwrap();
        assert!(page.content.contains("from \"../../auth\""), "{}", page.content);
    }

    #[test]
    fn middleware_below_next_16() {
        let mut p = plan(AuthVersion::V4, false, true, &["github"]);
        p.next_major = 15;
        let files = p.render(&Templates::load(None).unwrap()).unwrap();
        let mw = files.iter().find(|f| f.rel == "middleware.ts").expect("middleware.ts");
        assert!(mw.content.contains("withAuth"));
        assert!(!files.iter().any(|f| f.rel == "proxy.ts"));
        let mut p = plan(AuthVersion::V5, true, true, &["github"]);
        p.next_major = 15;
        let files = p.render(&Templates::load(None).unwrap()).unwrap();
        let mw = files.iter().find(|f| f.rel == "src/middleware.ts").expect("src/middleware.ts");
        assert!(mw.content.contains("export { auth as middleware }"), "{}", mw.content);
    }

    #[test]
    fn demo_user_file_only_with_credentials() {
        let t = Templates::load(None).unwrap();
        let without = plan(AuthVersion::V5, false, true, &["github"]).render(&t).unwrap();
        assert!(!without.iter().any(|f| f.rel.ends_with("demo-user.ts")));
        assert!(!without.iter().any(|f| f.content.contains("AUTH_DEMO_PASSWORD")));
        let with = plan(AuthVersion::V5, false, true, &["credentials"]).render(&t).unwrap();
        assert!(with.iter().any(|f| f.rel == "lib/demo-user.ts"));
    }

    #[test]
    fn env_names_per_version() {
        let t = Templates::load(None).unwrap();
        let v5 = plan(AuthVersion::V5, false, true, &["github", "google"]).render(&t).unwrap();
        let env = &v5.iter().find(|f| f.rel == ".env.local").unwrap().content;
        assert!(env.contains("AUTH_SECRET=\"SECRET\""));
        assert!(env.contains("AUTH_GITHUB_ID=") && env.contains("AUTH_GOOGLE_SECRET="));
        assert!(!env.contains("NEXTAUTH"));
        let v4 = plan(AuthVersion::V4, false, true, &["github", "google"]).render(&t).unwrap();
        let env = &v4.iter().find(|f| f.rel == ".env.local").unwrap().content;
        assert!(env.contains("NEXTAUTH_SECRET=\"SECRET\"") && env.contains("NEXTAUTH_URL="));
        assert!(env.contains("GITHUB_ID=") && env.contains("GOOGLE_CLIENT_SECRET="));
        assert!(!env.lines().any(|l| l.starts_with("AUTH_SECRET=")), "v4 reads NEXTAUTH_SECRET");
        let example = &v4.iter().find(|f| f.rel == ".env.example").unwrap().content;
        assert!(!example.contains("SECRET\""), "the example holds names only");
    }
}

#[cfg(test)]
mod js_tests {
    use super::*;
    use crate::scaffold::providers;

    #[test]
    fn javascript_projects_get_js_files_without_type_syntax() {
        for auth in [AuthVersion::V5, AuthVersion::V4] {
            let plan = Plan {
                database: Default::default(),
                auth,
                src_dir: false,
                providers: providers::resolve(&["credentials".to_string(), "github".to_string()]).unwrap(),
                name: "demo".into(),
                next_major: 16,
                alias: None,
                pm: PackageManager::Npm,
                with_project: false,
                typescript: false,
                secret: "S".into(),
                demo_email: "d@e".into(),
                demo_password: "P".into(),
                e2e: false,
            };
            let files = plan.render(&Templates::load(None).unwrap()).unwrap();
            for f in &files {
                assert!(!f.rel.ends_with(".ts") && !f.rel.ends_with(".tsx"), "{}", f.rel);
                for bad in ["import type", "declare module", ": string", "React.ReactNode", ": NextAuthOptions", "Promise<"] {
                    assert!(!f.content.contains(bad), "{} contains {bad}:\n{}", f.rel, f.content);
                }
            }
            assert!(files.iter().any(|f| f.rel == "proxy.js"));
            assert!(files.iter().any(|f| f.rel == "components/AuthProvider.jsx"));
            assert!(files.iter().any(|f| f.rel == plan.auth_file()));
        }
    }
}
