use crate::ast::unwrap_expr;
use crate::declare_rule;
use crate::edit::{self, Edit};
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::{const_str, kv_props};
use crate::rules::env_common::deploy::is_next_config;
use crate::rules::env_common::env_files::{append_or_create, entries_with};
use crate::rules::env_common::secret::env_read;
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds, in the `env` block of `next.config.*`:
    /// - `NEXTAUTH_URL` / `AUTH_URL` written as a literal;
    /// - the same keys read from the environment with a literal fallback
    ///   (`process.env.NEXTAUTH_URL || "http://localhost:3000"`, `?? "http://127.0.0.1:3000"`);
    /// - `NEXTAUTH_SECRET` / `AUTH_SECRET` (and `AUTH_SECRET_1..3`) computed in any way
    ///   (`process.env.NEXTAUTH_SECRET`, with or without a fallback); a literal secret is E008's;
    ///
    /// and removes the entry (the whole `env` block when nothing else is in it).    ///
    /// ## Why is this bad?
    /// Next inlines every `env` entry of its config into the build: `getNextConfigEnv` turns each
    /// key into a `process.env.KEY` compile-time replacement, and `populateStaticEnv` also sets it
    /// at server start when the environment has none (`next/dist/lib/static-env.js`). The URL is
    /// then the same on every host the build runs on: v4 takes it as the origin
    /// (`next-auth/src/utils/detect-origin.ts`), v5 as `AUTH_URL ?? NEXTAUTH_URL`
    /// (`next-auth/src/lib/env.ts`), so OAuth callbacks and sign-in redirects go to localhost or
    /// to another deployment. A fallback is compiled in the same way into every build made
    /// without the variable: a Docker image built before its runtime environment exists, a CI
    /// build. A secret read from the environment is evaluated on the build machine: its value is
    /// written into the build output (and anything copied from it, such as an image layer), or,
    /// when the build has none, `undefined` is compiled in and the secret the host sets at runtime
    /// is never read, so `/api/auth` answers 500 (v4 `NO_SECRET`, v5 `MissingSecret`).
    ///
    /// ## Example
    /// ```js
    /// module.exports = { env: { NEXTAUTH_URL: "http://localhost:3000" } };
    /// ```
    /// Use instead:
    /// ```js
    /// module.exports = {};
    /// // .env.local
    /// // NEXTAUTH_URL=http://localhost:3000
    /// ```
    ///
    /// ## Fix safety
    /// Safe when the value is a localhost literal: it moves to `.env.local` (unless an env file
    /// already sets the key), so `next dev` sees the same value and production builds no longer
    /// carry it. Unsafe otherwise: a literal production URL must then come from each deployment's
    /// own settings, which authfix cannot check; for a fallback or a secret read from the
    /// environment, Next and Auth.js then read the variable at runtime instead of the build's
    /// copy, so a deployment that provides it only while building (a Docker build argument) has
    /// none until its runtime environment sets it. Nothing is written to `.env.local` for those
    /// (`next dev` without the variable already uses localhost). URLs read from the environment
    /// without a fallback (`AUTH_URL: process.env.AUTH_URL`) are left alone.
    pub struct HardcodedAuthUrl {
        code: "C003",
        name: "hardcoded-auth-url",
        fix: Always,
        applicability: [Safe, Unsafe],
        severity: Error,
        summary: "`NEXTAUTH_URL`/`AUTH_URL` in next.config `env` is baked into the build: wrong on every other host",
    }
}

const KEYS: &[&str] = &["NEXTAUTH_URL", "AUTH_URL"];
const SECRET_KEYS: &[&str] = &["NEXTAUTH_SECRET", "AUTH_SECRET", "AUTH_SECRET_1", "AUTH_SECRET_2", "AUTH_SECRET_3"];
/// Env files `next dev` loads.
const DEV_ENV_FILES: &[&str] = &[".env", ".env.local", ".env.development", ".env.development.local"];

fn is_localhost(url: &str) -> bool {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let name = if host.starts_with('[') {
        host.split(']').next().map(|h| format!("{h}]")).unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_string()
    };
    matches!(name.as_str(), "localhost" | "127.0.0.1" | "0.0.0.0" | "[::1]") || name.ends_with(".localhost")
}

impl Rule for HardcodedAuthUrl {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let configs: Vec<&str> = project.paths().filter(|p| is_next_config(p)).collect();
        for path in configs {
            let text = project.text(path).unwrap();
            if !KEYS.iter().chain(SECRET_KEYS).any(|k| text.contains(k)) {
                continue;
            }
            let Some(p) = project.parsed(path) else { continue };
            let mut f = Finder { p: &p, text, hits: vec![] };
            p.module.visit_with(&mut f);
            for h in f.hits {
                let key = &h.key;
                let message = match &h.value {
                    Baked::Literal(v) if is_localhost(v) => {
                        format!("`{key}` in next.config's `env` is compiled into the build, so every deployment of it sends sign-in callbacks and redirects to localhost")
                    }
                    Baked::Literal(_) => format!(
                        "`{key}` in next.config's `env` is compiled into the build, so every other host (previews, staging, a new domain) sends sign-in callbacks and redirects to this one URL"
                    ),
                    Baked::Fallback(v) => format!(
                        "`{key}` in next.config's `env` falls back to `{v}`, which is compiled into every build made without the variable (a Docker image built before its runtime env exists, a CI build): those deployments send sign-in callbacks and redirects to {}",
                        if is_localhost(v) { "localhost" } else { "this one URL" }
                    ),
                    Baked::Secret => format!(
                        "`{key}` in next.config's `env` is evaluated when the app is built: the build machine's secret is written into the build output, or `undefined` when the build has none, and then the secret the host sets at runtime is never read (/api/auth answers 500)"
                    ),
                };
                let d = Diagnostic::new(&Self::META, path, h.start, h.end, message);
                // The fix covers every entry it removes (all of `env` when nothing else is in it).
                let mut lines = Vec::new();
                let mut all_local = true;
                for (k, v) in &h.removes {
                    match v {
                        Baked::Literal(v) if is_localhost(v) => {
                            if !entries_with(project, &[k.as_str()]).iter().any(|(f, _)| DEV_ENV_FILES.contains(f)) {
                                lines.push(format!("{k}={v}"));
                            }
                        }
                        _ => all_local = false,
                    }
                }
                let mut changes = vec![Change::edit(path, h.edit)];
                if !lines.is_empty() {
                    changes.push(append_or_create(project, ".env.local", &lines.join("\n")));
                }
                let names = h.removes.iter().map(|(k, _)| format!("`{k}`")).collect::<Vec<_>>().join(" and ");
                if all_local {
                    let title = if lines.is_empty() {
                        format!("Remove {names} from next.config (your env file sets it)")
                    } else {
                        format!("Move {names} from next.config to .env.local")
                    };
                    out.push(d.with_fix(Fix::new(Applicability::Safe, title, changes)));
                } else {
                    let note = match &h.value {
                        Baked::Literal(v) if is_localhost(v) => None,
                        Baked::Secret => Some(format!("set `{key}` in each deployment's runtime environment (the host's settings); builds made so far hold the build machine's secret, so treat their output and images as secret")),
                        _ => Some(format!("set `{key}` in each deployment's environment (the host's settings) instead")),
                    };
                    let d = match note {
                        Some(n) => d.with_note(n),
                        None => d,
                    };
                    out.push(d.with_fix(Fix::new(Applicability::Unsafe, format!("Remove {names} from next.config"), changes)));
                }
            }
        }
    }
}

/// How an `env` entry bakes a value into the build.
#[derive(Clone, Debug)]
enum Baked {
    /// A URL literal.
    Literal(String),
    /// `process.env.X || "literal"` / `?? "literal"` for a URL key.
    Fallback(String),
    /// A secret key computed in any way but a literal (E008 reports those).
    Secret,
}

/// `process.env.X || "lit"` or `process.env.X ?? "lit"`: the literal.
fn env_fallback(e: &Expr) -> Option<String> {
    let Expr::Bin(b) = unwrap_expr(e) else { return None };
    if !matches!(b.op, BinaryOp::LogicalOr | BinaryOp::NullishCoalescing) || env_read(&b.left).is_none() {
        return None;
    }
    const_str(&b.right).or_else(|| env_fallback(&b.right))
}

struct Hit {
    key: String,
    value: Baked,
    start: usize,
    end: usize,
    edit: Edit,
    /// The entries the edit removes.
    removes: Vec<(String, Baked)>,
}

struct Finder<'a> {
    p: &'a Parsed,
    text: &'a str,
    hits: Vec<Hit>,
}

impl Visit for Finder<'_> {
    fn visit_object_lit(&mut self, o: &ObjectLit) {
        for (env_idx, key, kv) in kv_props(o) {
            if key != "env" {
                continue;
            }
            let Expr::Object(env) = unwrap_expr(&kv.value) else { continue };
            let props = kv_props(env);
            let baked: Vec<(usize, String, Baked, swc_core::common::Span)> = props
                .iter()
                .filter_map(|(i, k, v)| {
                    let b = if KEYS.contains(&k.as_str()) {
                        const_str(&v.value).map(Baked::Literal).or_else(|| env_fallback(&v.value).map(Baked::Fallback))?
                    } else if SECRET_KEYS.contains(&k.as_str()) && const_str(&v.value).is_none() {
                        Baked::Secret
                    } else {
                        return None;
                    };
                    Some((*i, k.clone(), b, v.span()))
                })
                .collect();
            if baked.is_empty() {
                continue;
            }
            // Nothing else in `env`: the whole `env` entry goes.
            let whole = baked.len() == env.props.len();
            let all: Vec<(String, Baked)> = baked.iter().map(|(_, k, v, _)| (k.clone(), v.clone())).collect();
            for (i, k, val, span) in baked {
                let edit = if whole {
                    let prev = if env_idx > 0 { Some(self.p.hi(o.props[env_idx - 1].span())) } else { None };
                    edit::delete_list_element(self.text, self.p.lo(kv.span()), self.p.hi(kv.span()), prev)
                } else {
                    let prev = if i > 0 { Some(self.p.hi(env.props[i - 1].span())) } else { None };
                    edit::delete_list_element(self.text, self.p.lo(span), self.p.hi(span), prev)
                };
                let removes = if whole { all.clone() } else { vec![(k.clone(), val.clone())] };
                self.hits.push(Hit { key: k, value: val, start: self.p.lo(span), end: self.p.hi(span), edit, removes });
            }
        }
        o.visit_children_with(self);
    }
}
