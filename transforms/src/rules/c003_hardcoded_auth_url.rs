use crate::declare_rule;
use crate::edit::{self, Edit};
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::{const_str, kv_props, strip_parens};
use crate::rules::env_common::{append_or_create, entries_with, is_next_config};
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds `NEXTAUTH_URL` / `AUTH_URL` written as a literal into the `env` block of
    /// `next.config.*`, and removes the entry (the whole `env` block when nothing else is in it).
    ///
    /// ## Why is this bad?
    /// Next inlines every `env` entry of its config into the build: `getNextConfigEnv` turns each
    /// key into a `process.env.KEY` compile-time replacement, and `populateStaticEnv` also sets it
    /// at server start when the environment has none (`next/dist/lib/static-env.js`). The URL is
    /// then the same on every host the build runs on: v4 takes it as the origin
    /// (`next-auth/src/utils/detect-origin.ts`), v5 as `AUTH_URL ?? NEXTAUTH_URL`
    /// (`next-auth/src/lib/env.ts`), so OAuth callbacks and sign-in redirects go to localhost or
    /// to another deployment.
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
    /// Safe when the value is a localhost URL: it moves to `.env.local` (unless an env file already
    /// sets the key), so `next dev` sees the same value and production builds no longer carry it.
    /// Unsafe otherwise: the deployment must then provide the variable itself (host settings),
    /// which authfix cannot check. Values read from the environment
    /// (`process.env.NEXTAUTH_URL`) are left alone.
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
            if !KEYS.iter().any(|k| text.contains(k)) {
                continue;
            }
            let Some(p) = project.parsed(path) else { continue };
            let mut f = Finder { p: &p, text, hits: vec![] };
            p.module.visit_with(&mut f);
            for h in f.hits {
                let local = is_localhost(&h.value);
                let d = Diagnostic::new(
                    &Self::META,
                    path,
                    h.start,
                    h.end,
                    if local {
                        format!("`{}` in next.config's `env` is compiled into the build, so every deployment of it sends sign-in callbacks and redirects to localhost", h.key)
                    } else {
                        format!("`{}` in next.config's `env` is compiled into the build, so every other host (previews, staging, a new domain) sends sign-in callbacks and redirects to this one URL", h.key)
                    },
                );
                // The fix covers every entry it removes (all of `env` when nothing else is in it).
                let mut lines = Vec::new();
                let mut all_local = true;
                for (k, v) in &h.removes {
                    if !is_localhost(v) {
                        all_local = false;
                    } else if !entries_with(project, &[k.as_str()]).iter().any(|(f, _)| DEV_ENV_FILES.contains(f)) {
                        lines.push(format!("{k}={v}"));
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
                    let d = if local { d } else { d.with_note(format!("set `{}` in each deployment's environment (the host's settings) instead", h.key)) };
                    out.push(d.with_fix(Fix::new(Applicability::Unsafe, format!("Remove {names} from next.config"), changes)));
                }
            }
        }
    }
}

struct Hit {
    key: String,
    value: String,
    start: usize,
    end: usize,
    edit: Edit,
    /// The entries the edit removes: `(key, value)`.
    removes: Vec<(String, String)>,
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
            let Expr::Object(env) = strip_parens(&kv.value) else { continue };
            let props = kv_props(env);
            let baked: Vec<(usize, String, String, swc_core::common::Span)> = props
                .iter()
                .filter(|(_, k, _)| KEYS.contains(&k.as_str()))
                .filter_map(|(i, k, v)| const_str(&v.value).map(|val| (*i, k.clone(), val, v.span())))
                .collect();
            if baked.is_empty() {
                continue;
            }
            // Nothing else in `env`: the whole `env` entry goes.
            let whole = baked.len() == env.props.len();
            let all: Vec<(String, String)> = baked.iter().map(|(_, k, v, _)| (k.clone(), v.clone())).collect();
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
