use crate::declare_rule;
use crate::dotenv;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::env_common::env_files as envf;

declare_rule! {
    /// ## What it does
    /// Finds `NEXTAUTH_URL` or `AUTH_URL` pointing at `localhost`, `127.0.0.1`, `0.0.0.0` or
    /// `[::1]` in a committed `.env.production` (tracked by git; outside a git work tree the file
    /// is taken as committed, as Next's convention has it). `.env.production.local` and files git
    /// does not track are left alone: a local `next start` may rightly use localhost.
    ///
    /// ## Why is this bad?
    /// `next build`/`next start` load `.env.production` on every host the build runs on. v4 takes
    /// the origin from `NEXTAUTH_URL` before anything else (`next-auth/src/utils/detect-origin.ts`),
    /// and v5 builds every action URL from `AUTH_URL ?? NEXTAUTH_URL`
    /// (`@auth/core/src/lib/utils/env.ts`, `createActionURL`): OAuth callbacks and redirects then
    /// point at `http://localhost:3000` on the real host, so sign-in fails (redirect_uri mismatch)
    /// unless the host happens to override the variable.
    ///
    /// ## Example
    /// `.env.production`:
    /// ```sh
    /// NEXTAUTH_URL=http://localhost:3000
    /// ```
    /// Use instead: no URL in the committed file; set `NEXTAUTH_URL`/`AUTH_URL` to the public URL
    /// in the host's settings (v5 behind a proxy: `AUTH_TRUST_HOST=true`).
    ///
    /// ## Fix safety
    /// Unsafe. The fix deletes the line (comments and other keys stay). A production that really
    /// runs on localhost (an e2e box, a desktop wrapper) relied on it, and the host must now provide
    /// the URL, so the fix waits for `--unsafe`.
    pub struct LocalhostUrlInProductionEnv {
        code: "E004",
        name: "localhost-url-in-production-env",
        fix: Always,
        applicability: [Unsafe],
        severity: Error,
        summary: "committed `.env.production` sets NEXTAUTH_URL/AUTH_URL to localhost: sign-in redirects to localhost in production",
    }
}

/// Is the URL's host a loopback or wildcard address?
pub(crate) fn is_local_url(v: &str) -> bool {
    let rest = v.split_once("://").map_or(v, |(_, r)| r);
    let host = if rest.starts_with('[') {
        rest.split(']').next().map(|h| format!("{h}]")).unwrap_or_default()
    } else {
        rest.split([':', '/', '?']).next().unwrap_or("").to_string()
    };
    let host = host.to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost") || host.starts_with("127.") || host == "0.0.0.0" || host == "[::1]"
}

impl Rule for LocalhostUrlInProductionEnv {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major.is_none() {
            return;
        }
        for (f, e) in envf::entries_with(project, &["NEXTAUTH_URL", "AUTH_URL"]) {
            if f.rsplit('/').next() != Some(".env.production") || (project.git_tracked().is_some() && !project.is_tracked(f)) || !is_local_url(&e.value) {
                continue;
            }
            let text = project.text(f).unwrap_or("");
            let key = &e.key;
            out.push(
                Diagnostic::new(&Self::META, f, e.line.start, e.line.end, format!(
                    "`{key}` in the committed `{f}` points at localhost: every production build sends sign-in callbacks and redirects to localhost instead of the real host, so sign-in fails"
                ))
                .with_note(format!("Set `{key}` to the public URL in the host's settings (on Vercel v4 and v5 need none; v5 behind a proxy can use `AUTH_TRUST_HOST=true`)."))
                .with_fix(Fix::new(Applicability::Unsafe, format!("Remove `{key}` from `{f}`"), vec![Change::edit(f, dotenv::delete_line(text, &e))])),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn local_urls() {
        use super::is_local_url;
        assert!(is_local_url("http://localhost:3000"));
        assert!(is_local_url("http://127.0.0.1"));
        assert!(is_local_url("http://[::1]:3000/api/auth"));
        assert!(is_local_url("http://0.0.0.0:8080"));
        assert!(!is_local_url("https://app.example.com"));
        assert!(!is_local_url("https://localhost.example.com"));
    }
}
