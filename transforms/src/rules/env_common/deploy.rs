//! Where else a deployment's settings can come from: `next.config.*` and the signs of a host that
//! trusts its own forwarded host (Vercel, Cloudflare Pages).
use super::workflows;
use crate::project::Project;

pub fn is_next_config(path: &str) -> bool {
    ["next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs", "next.config.mts"].contains(&path)
}

/// Does a `next.config.*` name `key` (e.g. in its `env` block)?
pub fn next_config_mentions(project: &Project, key: &str) -> bool {
    project.source_files_containing(key).any(is_next_config)
}

/// Signs that the app deploys to a host Auth.js trusts by itself (`VERCEL`, `CF_PAGES` set by the
/// platform): the `vercel` CLI or `@cloudflare/next-on-pages` in package.json, or a workflow that
/// deploys with them.
pub fn trusted_host_platform(project: &Project) -> bool {
    let pkg = project.text("package.json").unwrap_or("");
    if pkg.contains("\"vercel\"") || pkg.contains("vercel ") || pkg.contains("@cloudflare/next-on-pages") || pkg.contains("wrangler pages") {
        return true;
    }
    workflows::workflows(project).iter().any(|w| {
        w.scalars.iter().any(|s| {
            let t = s.value.to_ascii_lowercase();
            t.contains("vercel") || t.contains("cloudflare/pages-action") || t.contains("wrangler pages")
        })
    })
}

/// Signs that the app is self-hosted from the repository: a workflow that builds or pushes a
/// Docker image, deploys over ssh/scp/rsync or restarts pm2, or pm2 in package.json. Its committed
/// env files then ship inside the image or the checkout the server runs.
pub fn self_hosted(project: &Project) -> bool {
    const SIGNS: &[&str] = &["docker build", "docker push", "docker/build-push-action", "docker compose", "docker-compose", "ssh ", "scp ", "rsync ", "pm2 "];
    if project.text("package.json").is_some_and(|t| t.contains("pm2 ")) {
        return true;
    }
    workflows::workflows(project).iter().any(|w| w.scalars.iter().any(|s| !s.is_key && SIGNS.iter().any(|g| s.value.contains(g))))
}

/// `Dockerfile` and Compose files of the app and the folders above it.
pub fn container_files(project: &Project) -> Vec<&str> {
    let mut v: Vec<&str> = project
        .data_files()
        .filter(|p| {
            let n = p.rsplit('/').next().unwrap_or(p);
            n == "Dockerfile" || ["docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"].contains(&n)
        })
        .collect();
    v.sort();
    v
}

/// Does a `Dockerfile` or Compose file set env variable `key` (`ENV KEY=…`, `ENV KEY value`,
/// `ARG KEY`, `- KEY=…`, `KEY: …`)? Comment lines do not count.
pub fn container_sets(project: &Project, key: &str) -> bool {
    container_files(project).into_iter().any(|f| {
        project.text(f).unwrap_or("").lines().filter(|l| !l.trim_start().starts_with('#')).any(|l| {
            l.match_indices(key).any(|(i, _)| {
                let before = l[..i].chars().next_back();
                let after = l[i + key.len()..].chars().next();
                !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') && matches!(after, Some('=' | ':' | ' ' | '\t'))
            })
        })
    })
}
