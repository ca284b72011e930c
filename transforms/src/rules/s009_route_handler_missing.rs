use crate::declare_rule;
use crate::options;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::auth_export_files;
use crate::rules::config_common::{self as cfg, Value};
use crate::rules::env_common;

declare_rule! {
    /// ## What it does
    /// Finds an Auth.js setup (a v5 `NextAuth(…)` config, or a v4 exported `authOptions`) with no
    /// route handler where Next serves its base path (`/api/auth`, or the config's literal
    /// `basePath`): no `app/api/auth/[...nextauth]/route.ts` (any catch-all name, route groups
    /// allowed, under `src/app` when the app lives there) and no `pages/api/auth/[...nextauth].ts`.
    /// It creates the route handler when it knows what to export.
    ///
    /// ## Why is this bad?
    /// Every Auth.js request goes to `<basePath>/<action>`: the client's `useSession()` fetches
    /// `/api/auth/session` (`next-auth/src/react.tsx`, v4 `next-auth/src/client/_utils.ts`), sign-in
    /// posts to `/api/auth/callback/<provider>`, and server `signIn()` redirects there. Without a
    /// handler Next answers its HTML 404 page; the client logs `[next-auth][error][CLIENT_FETCH_ERROR]`
    /// ("Unexpected token '<'") and stays signed out, and sign-in links lead to a 404.
    ///
    /// ## Example
    /// ```ts
    /// // auth.ts exists, app/api/auth/[...nextauth]/route.ts does not
    /// export const { handlers, auth, signIn, signOut } = NextAuth({ providers: [GitHub] });
    /// ```
    /// Use instead:
    /// ```ts
    /// // app/api/auth/[...nextauth]/route.ts
    /// import { handlers } from "@/auth";
    /// export const { GET, POST } = handlers;
    /// ```
    ///
    /// ## Fix safety
    /// Safe: a new file, in the App Router folder the app uses, exporting the handlers the config
    /// already builds (v5 `handlers` from the module that exports `auth`; v4 `NextAuth(authOptions)`
    /// when exactly one exported options object exists). Otherwise a diagnostic. A route file
    /// anywhere that already uses `handlers` or calls `NextAuth`, a `basePath` or an
    /// `AUTH_URL`/`NEXTAUTH_URL` path authfix cannot map to a folder, and apps without an `app/`
    /// folder are left alone, and so is a v5 app that never sends a request there: Credentials as
    /// its only provider (signed in and out by server actions, in process), its own `pages.signIn`,
    /// and no `next-auth/react` anywhere.
    pub struct RouteHandlerMissing {
        code: "S009",
        name: "route-handler-missing",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "no `[...nextauth]` route handler where Next serves `/api/auth`: every Auth.js request answers the 404 page",
    }
}

/// Path segments as the URL sees them: route groups `(x)` and the app folder dropped.
fn url_segments<'a>(path: &'a str, root: &str) -> Option<Vec<&'a str>> {
    let rest = path.strip_prefix(root)?.strip_prefix('/')?;
    Some(rest.split('/').filter(|s| !(s.starts_with('(') && s.ends_with(')'))).collect())
}

fn is_catch_all(seg: &str) -> bool {
    seg.starts_with("[...") && seg.ends_with(']') || seg.starts_with("[[...") && seg.ends_with("]]")
}

/// Whether some route handler serves `base` (`/api/auth`).
fn handler_exists(project: &Project, base: &str) -> bool {
    let want: Vec<&str> = base.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    for path in project.paths() {
        let name = path.rsplit('/').next().unwrap_or(path);
        let stem = name.split('.').next().unwrap_or("");
        if !crate::parse::is_source_path(path) {
            continue;
        }
        // App Router: <app>/…/<catch-all>/route.<ext>
        for root in ["app", "src/app"] {
            if stem == "route" {
                if let Some(segs) = url_segments(path, root) {
                    let dirs = &segs[..segs.len() - 1];
                    if dirs.len() == want.len() + 1 && dirs[..want.len()] == want[..] && is_catch_all(dirs[want.len()]) {
                        return true;
                    }
                }
            }
        }
        // Pages Router: pages/…/<catch-all>.<ext>
        for root in ["pages", "src/pages"] {
            if let Some(segs) = url_segments(path, root) {
                let (last, dirs) = segs.split_last().unwrap();
                let last = last.rsplit_once('.').map_or(*last, |(s, _)| s);
                if dirs == want.as_slice() && is_catch_all(last) {
                    return true;
                }
            }
        }
    }
    false
}

/// v5: whether nothing of the app ever sends a request to the base path. Server actions call
/// `signIn("credentials", …)` and `signOut()` in process (`next-auth/src/lib/actions.ts` builds the
/// request and runs `Auth` on it, no fetch), so an app whose only providers are Credentials, whose
/// sign-in page is its own (`pages.signIn`: the proxy's redirects go there, not to
/// `/api/auth/signin`) and which never loads the client library (`next-auth/react`:
/// `useSession`, `SessionProvider` and the client `signIn` fetch `/api/auth/*`) needs no handler
/// (the shape of the Next.js Learn dashboard).
fn served_without_http(project: &Project, c: &cfg::AuthConfig) -> bool {
    if !c.complete {
        return false;
    }
    let credentials_only = match c.get("providers").map(|p| &p.value) {
        Some(Value::Array(els)) => els.iter().all(|e| !e.spread && e.module.as_deref().is_some_and(|m| cfg::CREDENTIALS_MODULES.contains(&m))),
        _ => false,
    };
    let own_sign_in_page = match c.get("pages").map(|p| &p.value) {
        Some(Value::Object(props)) => props.iter().any(|p| p.key == "signIn" && matches!(p.value, Value::Str(_))),
        _ => false,
    };
    let client_library = project.source_files_containing("next-auth/react").next().is_some();
    credentials_only && own_sign_in_page && !client_library
}

impl Rule for RouteHandlerMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let Some(app) = project.app_dir() else { return };
        // A route file that already builds the handlers, wherever it is: not this rule's business.
        let route_like = project
            .paths()
            .filter(|p| p.rsplit('/').next().is_some_and(|n| n.starts_with("route.")))
            .any(|p| project.text(p).is_some_and(|t| t.contains("handlers") || t.contains("NextAuth(") || t.contains("handler as GET")));
        if route_like {
            return;
        }
        // A URL with a path makes it the base path (v5) or the handler's path (v4): E009's business.
        for (_, e) in env_common::env_files::entries_with(project, &["AUTH_URL", "NEXTAUTH_URL"]) {
            let v = e.value.trim_matches(['"', '\'']);
            if let Some(rest) = v.split_once("://").map(|(_, r)| r) {
                if rest.split_once('/').is_some_and(|(_, path)| !path.trim_matches('/').is_empty() && path.trim_matches('/') != "api/auth") {
                    return;
                }
            }
        }
        let major = project.facts.auth_major;
        let configs = cfg::auth_configs(project);
        let (file, start, end, base, fix): (String, usize, usize, String, Option<(String, String)>) = if major == Some(4) {
            let opts = options::exported_options(project);
            let Some(first) = opts.first() else { return };
            let text = project.text(&first.file).unwrap_or("");
            let at = text.find(&first.name).unwrap_or(0);
            let fix = (opts.len() == 1).then(|| {
                let spec_from = format!("{app}/api/auth/[...nextauth]/route.x");
                let spec = project.import_specifier(&spec_from, &first.file);
                (
                    first.name.clone(),
                    format!(
                        "import NextAuth from \"next-auth\";\nimport {{ {n} }} from \"{spec}\";\n\nconst handler = NextAuth({n});\n\nexport {{ handler as GET, handler as POST }};\n",
                        n = first.name
                    ),
                )
            });
            (first.file.clone(), at, at + first.name.len(), "/api/auth".to_string(), fix)
        } else {
            let Some(c) = configs.first() else { return };
            let base = match c.get("basePath").map(|b| &b.value) {
                None => "/api/auth".to_string(),
                Some(Value::Str(s)) => s.clone(),
                Some(_) => return,
            };
            if configs.len() > 1 && !c.complete {
                return;
            }
            if served_without_http(project, c) {
                return;
            }
            let exporters: Vec<String> = auth_export_files(project).into_iter().filter(|f| project.text(f).is_some_and(|t| t.contains("handlers"))).collect();
            let fix = match exporters.as_slice() {
                [one] => {
                    let spec = project.import_specifier(&format!("{app}/{}/[...nextauth]/route.x", base.trim_matches('/')), one);
                    Some(("handlers".to_string(), format!("import {{ handlers }} from \"{spec}\";\n\nexport const {{ GET, POST }} = handlers;\n")))
                }
                _ => None,
            };
            (c.call.0.clone(), c.call.1.start, c.call.1.end, base, fix)
        };
        if handler_exists(project, &base) {
            return;
        }
        let d = Diagnostic::new(
            &Self::META,
            &file,
            start,
            end,
            format!("no route handler serves `{base}`: `{base}/session` answers Next's HTML 404 page, so `useSession()` logs CLIENT_FETCH_ERROR (\"Unexpected token '<'\") and stays signed out, and signing in leads to a 404"),
        );
        let new_path = format!("{app}/{}/[...nextauth]/route.{}", base.trim_matches('/'), project.new_module_ext(false));
        match fix {
            Some((what, code)) if !project.exists(&new_path) => {
                let content = project.project_style().fit(&code);
                out.push(d.with_fix(Fix::new(
                    Applicability::Safe,
                    format!("Create `{new_path}` serving `{what}`"),
                    vec![Change::Create { file: new_path, content }],
                )));
            }
            _ => out.push(d.with_note(format!(
                "Create `{new_path}` exporting the handlers as GET and POST (v5: `export const {{ GET, POST }} = handlers` from your `auth.ts`)."
            ))),
        }
    }
}
