use crate::declare_rule;
use crate::project::Project;
use crate::rule::{Applicability, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::env_common::env_files as envf;
use crate::rules::env_common::{auth_files, deploy, workflows};

declare_rule! {
    /// ## What it does
    /// v5 only: finds `NEXTAUTH_URL` set to a non-localhost URL in an env file that a production
    /// server loads (`.env`, `.env.local`, `.env.production`, `.env.production.local`) — any
    /// value in a committed `.env`/`.env.production` of an app a workflow self-hosts (builds a
    /// Docker image, deploys over ssh, restarts pm2), since that file ships with it — or named
    /// in the template that documents the deployment (`.env.example`), while nothing makes the
    /// host trusted: no `AUTH_URL` or `AUTH_TRUST_HOST` in a `Dockerfile` or Compose file, nor in
    /// an env file that server loads (a
    /// development-only file such as `.env.development` does not count; when the URL is in a
    /// committed file, only committed files and templates count — a `.env.local` with
    /// `AUTH_URL=http://localhost:3000` is this machine's, not the deployment's), in a workflow or
    /// `next.config.*`, no `trustHost` option in the code, and no sign of a platform that sets
    /// `VERCEL`/`CF_PAGES` (the `vercel` CLI or `@cloudflare/next-on-pages` in package.json or a
    /// workflow).
    ///
    /// ## Why is this bad?
    /// `@auth/core/src/lib/utils/env.ts` sets `trustHost ??= !!(AUTH_URL ?? AUTH_TRUST_HOST ??
    /// VERCEL ?? CF_PAGES ?? NODE_ENV !== "production")`: `NEXTAUTH_URL` is read for the URL
    /// (`next-auth/src/lib/env.ts`, `AUTH_URL ?? NEXTAUTH_URL`) but never for trust. So `next dev`
    /// works, and a self-hosted production server (`next start`, Docker) answers every
    /// `/api/auth/*` request with `UntrustedHost` (`@auth/core/src/lib/utils/assert.ts`), a 500.
    ///
    /// ## Example
    /// ```sh
    /// NEXTAUTH_URL=https://app.example.com
    /// ```
    /// Use instead:
    /// ```sh
    /// AUTH_URL=https://app.example.com
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe. The fix renames the key to `AUTH_URL` in every env file (only the key's bytes:
    /// value, comments and order stay). v5 reads the URL and base path the same way from either
    /// name, and `AUTH_URL` also trusts the host. It changes what a production server accepts
    /// (forwarded hosts become trusted), and the host's settings may still set `NEXTAUTH_URL`,
    /// so it waits for `--unsafe`. When the project's own code reads `process.env.NEXTAUTH_URL`,
    /// renaming would break it: no fix, the note says to add `AUTH_TRUST_HOST=true` instead. Nor
    /// for a localhost value shipped to a self-hosted server (as `AUTH_URL` it would send every
    /// callback to localhost): the note says where to set the trust.
    pub struct V5UntrustedHost {
        code: "E005",
        name: "v5-untrusted-host",
        fix: Sometimes,
        applicability: [Unsafe],
        severity: Error,
        summary: "v5 with NEXTAUTH_URL but no AUTH_URL/AUTH_TRUST_HOST/trustHost: production answers UntrustedHost",
    }
}

impl Rule for V5UntrustedHost {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major != Some(5) {
            return;
        }
        let all = envf::entries_with(project, &["NEXTAUTH_URL"]);
        // Where a production server reads a real URL from it; else where the deployment is
        // documented. A localhost value in `.env`/`.env.local` is a development setting: the
        // deployment's URL comes from the host, which we cannot see — unless the app is
        // self-hosted from the repository (a workflow builds an image or deploys over ssh): then
        // a committed `.env`/`.env.production` is what `next start` in the container loads, and
        // `NEXTAUTH_URL` there, localhost or not, is its only URL setting.
        let self_hosted = deploy::self_hosted(project);
        let shipped = |f: &str| project.is_tracked(f) && (f == ".env" || f == ".env.production");
        let rank = |f: &str| [".env.production", ".env.production.local", ".env", ".env.local"].iter().position(|n| *n == f).unwrap_or(9);
        let site = all
            .iter()
            .filter(|(f, e)| {
                envf::loaded_in_production(f)
                    && !e.value.is_empty()
                    && (!crate::rules::e004_localhost_url_in_production_env::is_local_url(&e.value) || (self_hosted && shipped(f)))
            })
            .min_by_key(|(f, _)| rank(f))
            .or_else(|| all.iter().find(|(f, _)| envf::is_example(f)));
        let Some((file, first)) = site else { return };
        let trusts = ["AUTH_URL", "AUTH_TRUST_HOST"];
        // What the server that uses this URL loads: never a development- or test-only file; when
        // the URL comes from a committed file (the deployment is built from the repository), only
        // committed files, and the templates that document the deployment.
        let committed_site = project.git_tracked().is_some() && project.is_tracked(file);
        let dev_or_test_only = |f: &str| {
            let n = f.rsplit('/').next().unwrap_or(f);
            (envf::loaded_in_development(f) && !envf::loaded_in_production(f)) || n == ".env.test" || n == ".env.test.local"
        };
        let counts = |f: &str| envf::is_example(f) || (!dev_or_test_only(f) && (!committed_site || project.is_tracked(f)));
        if envf::entries_with(project, &trusts).iter().any(|(f, _)| counts(f))
            || trusts.iter().any(|k| workflows::sets(project, k) || deploy::next_config_mentions(project, k) || deploy::container_sets(project, k))
        {
            return;
        }
        if !auth_files::auth_sources_with(project, "trustHost").is_empty() || deploy::trusted_host_platform(project) {
            return;
        }
        let d = Diagnostic::new(&Self::META, file, first.key_range.start, first.key_range.end, format!(
            "v5 reads `NEXTAUTH_URL` (in `{file}`) for the URL but not for trust: a self-hosted production server answers every /api/auth request with UntrustedHost (500), because neither AUTH_URL, AUTH_TRUST_HOST nor `trustHost` is set"
        ));
        // A localhost URL shipped to the server: renaming it would trust the host but send every
        // callback to localhost.
        if crate::rules::e004_localhost_url_in_production_env::is_local_url(&first.value) {
            out.push(d.with_note(format!(
                "`{file}` ships with the app, so its localhost `NEXTAUTH_URL` is the server's: set `AUTH_TRUST_HOST=true` (or `AUTH_URL` to the public URL) where the server's environment is defined (the Dockerfile, the compose file, the host), and keep localhost values in `.env.local`."
            )));
            return;
        }
        let readers: Vec<&str> = project.source_files_containing("NEXTAUTH_URL").filter(|f| !deploy::is_next_config(f)).collect();
        if let Some(r) = readers.first() {
            out.push(d.with_note(format!("`{r}` reads `NEXTAUTH_URL` itself, so it is not renamed: add `AUTH_TRUST_HOST=true` beside it (and in the host's settings), or rename it there too.")));
            return;
        }
        let changes = all.iter().map(|(f, e)| envf::rename_key(f, e, "AUTH_URL")).collect();
        out.push(
            d.with_note("Rename it in the host's settings too. Not needed when a Dockerfile or the host already sets `AUTH_URL`/`AUTH_TRUST_HOST`, or on Vercel and Cloudflare Pages, which trust the host themselves.")
                .with_fix(Fix::new(Applicability::Unsafe, "Rename `NEXTAUTH_URL` to `AUTH_URL` in the env files", changes)),
        );
    }
}
