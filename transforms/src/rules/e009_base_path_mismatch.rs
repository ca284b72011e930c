use crate::ast;
use crate::declare_rule;
use crate::edit::Edit;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::config_common as cfg;
use crate::rules::env_common;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds two ways the Auth.js base path and the URL the app is served at disagree:
    /// - v5: `AUTH_URL` (or `NEXTAUTH_URL`) in an env file Next loads has a path that is not the
    ///   route handler's (`/api/auth`, under Next's `basePath` when there is one) while the config
    ///   sets no `basePath`;
    /// - Next's `basePath` (`next.config.*`) is set, but `<SessionProvider>` has no `basePath`
    ///   prop.
    ///
    /// ## Why is this bad?
    /// v5 takes the URL's path as its base path: `config.basePath ||= pathname`
    /// (`next-auth/src/lib/env.ts`), so `AUTH_URL=https://example.com/app` makes Auth.js expect
    /// `/app/session`, `/app/signin`… while the handler serves `/api/auth/*`: every Auth.js request
    /// fails to parse its action and the app cannot sign anyone in. On the client,
    /// `SessionProvider` fetches `${basePath}/session` with its own base path, `/api/auth` unless
    /// given one (`next-auth/src/react.tsx`, v4 `next-auth/src/react/index.tsx`: from
    /// `NEXTAUTH_URL`, which the browser bundle does not see); under Next's `basePath: "/docs"`
    /// the handler answers at `/docs/api/auth/session`, so `/api/auth/session` is a 404 and
    /// `useSession()` stays unauthenticated (`CLIENT_FETCH_ERROR`).
    ///
    /// ## Example
    /// ```ts
    /// // next.config.ts
    /// const nextConfig = { basePath: "/docs" };
    /// // app/providers.tsx
    /// <SessionProvider>{children}</SessionProvider>
    /// ```
    /// Use instead:
    /// ```tsx
    /// <SessionProvider basePath="/docs/api/auth">{children}</SessionProvider>
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: it changes the URLs the app uses. The env fix writes the URL's origin followed by
    /// Next's `basePath` and `/api/auth` (or the origin alone without a Next `basePath`); the
    /// provider fix adds `basePath="<Next basePath>/api/auth"`. A `SessionProvider` that gets its
    /// props by spread, a `basePath` that is not a literal, and v4's URL path (which only
    /// changes the URLs it builds) are left alone.
    pub struct BasePathMismatch {
        code: "E009",
        name: "base-path-mismatch",
        fix: Always,
        applicability: [Unsafe],
        severity: Error,
        summary: "Next `basePath` or an `AUTH_URL` path the Auth.js base path does not follow: its requests go to a 404",
    }
}

/// Next's `basePath` from `next.config.*` when it is a string literal (`""` when not set); `None`
/// when it is set to something else.
fn next_base_path(project: &Project) -> Option<String> {
    struct V(Option<Option<String>>);
    impl Visit for V {
        fn visit_key_value_prop(&mut self, kv: &KeyValueProp) {
            if self.0.is_none() && crate::ast::prop_name(&kv.key).as_deref() == Some("basePath") {
                self.0 = Some(crate::rules::client_common::const_str(&kv.value));
            }
            kv.visit_children_with(self);
        }
    }
    for f in ["next.config.ts", "next.config.mts", "next.config.js", "next.config.mjs", "next.config.cjs"] {
        if !project.text(f).is_some_and(|t| t.contains("basePath")) {
            continue;
        }
        let p = project.parsed(f)?;
        let mut v = V(None);
        p.module.visit_with(&mut v);
        if let Some(b) = v.0 {
            return b.map(|s| s.trim_end_matches('/').to_string());
        }
    }
    Some(String::new())
}

impl Rule for BasePathMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let has_auth = project.source_files_containing("next-auth").next().is_some();
        if !has_auth {
            return;
        }
        let Some(next_base) = next_base_path(project) else { return };
        let want = format!("{next_base}/api/auth");
        // v5: the URL's path becomes the base path.
        if project.facts.auth_major == Some(5) {
            let configs = cfg::auth_configs(project);
            let sets_base = configs.iter().any(|c| !c.complete || c.get("basePath").is_some());
            if !configs.is_empty() && !sets_base {
                let entries = env_common::env_files::entries_with(project, &["AUTH_URL", "NEXTAUTH_URL"]);
                let auth_url_set = entries.iter().any(|(_, e)| e.key == "AUTH_URL");
                for (file, e) in entries {
                    if !env_common::env_files::loaded_in_production(file) && !file.ends_with(".env.development") && !file.ends_with(".env.development.local") {
                        continue;
                    }
                    if auth_url_set && e.key != "AUTH_URL" {
                        continue;
                    }
                    let Some((scheme, rest)) = e.value.split_once("://") else { continue };
                    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
                    let path = format!("/{}", path.trim_end_matches('/'));
                    if path == "/" || path == want || host.is_empty() {
                        continue;
                    }
                    let fixed = format!("{scheme}://{host}{}", if next_base.is_empty() { String::new() } else { want.clone() });
                    let d = Diagnostic::new(
                        &Self::META,
                        file,
                        e.value_range.start,
                        e.value_range.end,
                        format!("Auth.js v5 takes the path of `{}` as its base path, `{path}`, but the route handler serves `{want}`: every Auth.js request fails (UnknownAction) and nobody can sign in", e.key),
                    );
                    out.push(d.with_fix(Fix::new(
                        Applicability::Unsafe,
                        format!("Set `{}` to `{fixed}`", e.key),
                        vec![Change::edit(file, Edit::replace(e.value_range.start, e.value_range.end, fixed))],
                    )));
                }
            }
        }
        // Next basePath: SessionProvider must be told.
        if next_base.is_empty() {
            return;
        }
        for path in project.source_files_containing("SessionProvider") {
            let Some(p) = project.parsed(path) else { continue };
            let Some(sp) = ast::local_name(&p, &["next-auth/react"], "SessionProvider") else { continue };
            for el in ast::jsx_elements(&p).into_iter().filter(|e| e.name == sp) {
                if el.has_spread || el.attr_names.iter().any(|a| a == "basePath") {
                    continue;
                }
                let style = project.file_style(path);
                let d = Diagnostic::new(
                    &Self::META,
                    path,
                    p.lo(el.opening_name),
                    p.hi(el.opening_name),
                    format!("Next serves this app under `basePath: \"{next_base}\"`, so the handler answers at `{want}`, but this SessionProvider fetches `/api/auth/session`: a 404, and `useSession()` never sees the session (CLIENT_FETCH_ERROR)"),
                );
                let q = style.quote(&want);
                out.push(d.with_fix(Fix::new(
                    Applicability::Unsafe,
                    format!("Pass `basePath=\"{want}\"` to SessionProvider"),
                    vec![Change::edit(path, Edit::insert(p.hi(el.opening_name), format!(" basePath={q}")))],
                )));
            }
        }
    }
}
