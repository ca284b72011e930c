//! The sign-in providers `new` and `init` know how to configure.
use serde::Serialize;

/// One provider: how each Auth.js version imports it and which env keys it reads.
#[derive(Debug, Clone, Serialize)]
pub struct Provider {
    /// The id used on the command line and in callback URLs (`/api/auth/callback/<id>`).
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Module under `next-auth/providers/`.
    pub module: &'static str,
    /// Default-import name in v5 templates (`GitHub`).
    pub v5_import: &'static str,
    /// Default-import name in v4 templates (`GithubProvider`).
    pub v4_import: &'static str,
    /// v4 env keys (v4 reads nothing by itself; the config passes them explicitly).
    pub v4_env_id: &'static str,
    pub v4_env_secret: &'static str,
    /// True for OAuth providers (they need a client id/secret and a callback URL).
    pub oauth: bool,
    /// Where to register the OAuth app.
    pub console: &'static str,
}

impl Provider {
    /// v5 auto-reads only `AUTH_<ID>_ID` / `AUTH_<ID>_SECRET`.
    pub fn v5_env_id(&self) -> String {
        format!("AUTH_{}_ID", self.id.to_uppercase())
    }
    pub fn v5_env_secret(&self) -> String {
        format!("AUTH_{}_SECRET", self.id.to_uppercase())
    }
}

pub const PROVIDERS: &[Provider] = &[
    Provider {
        id: "github",
        name: "GitHub",
        module: "github",
        v5_import: "GitHub",
        v4_import: "GithubProvider",
        v4_env_id: "GITHUB_ID",
        v4_env_secret: "GITHUB_SECRET",
        oauth: true,
        console: "https://github.com/settings/developers",
    },
    Provider {
        id: "google",
        name: "Google",
        module: "google",
        v5_import: "Google",
        v4_import: "GoogleProvider",
        v4_env_id: "GOOGLE_CLIENT_ID",
        v4_env_secret: "GOOGLE_CLIENT_SECRET",
        oauth: true,
        console: "https://console.cloud.google.com/apis/credentials",
    },
    Provider {
        id: "discord",
        name: "Discord",
        module: "discord",
        v5_import: "Discord",
        v4_import: "DiscordProvider",
        v4_env_id: "DISCORD_CLIENT_ID",
        v4_env_secret: "DISCORD_CLIENT_SECRET",
        oauth: true,
        console: "https://discord.com/developers/applications",
    },
    Provider {
        id: "gitlab",
        name: "GitLab",
        module: "gitlab",
        v5_import: "GitLab",
        v4_import: "GitlabProvider",
        v4_env_id: "GITLAB_CLIENT_ID",
        v4_env_secret: "GITLAB_CLIENT_SECRET",
        oauth: true,
        console: "https://gitlab.com/-/user_settings/applications",
    },
    Provider {
        id: "credentials",
        name: "Demo user (email + password)",
        module: "credentials",
        v5_import: "Credentials",
        v4_import: "CredentialsProvider",
        v4_env_id: "",
        v4_env_secret: "",
        oauth: false,
        console: "",
    },
];

/// Resolve command-line provider names (case-insensitive, deduplicated, in the order given).
/// The error is a one-line message.
pub fn resolve(names: &[String]) -> Result<Vec<&'static Provider>, String> {
    let mut out: Vec<&'static Provider> = Vec::new();
    for raw in names {
        let name = raw.trim().to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        let Some(p) = PROVIDERS.iter().find(|p| p.id == name) else {
            return Err(format!("unknown provider \"{}\" (known: {})", raw.trim(), PROVIDERS.iter().map(|p| p.id).collect::<Vec<_>>().join(", ")));
        };
        if !out.iter().any(|q| q.id == p.id) {
            out.push(p);
        }
    }
    if out.is_empty() {
        return Err("no provider given (use --provider github, google, credentials, ...)".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn resolves_known_dedups_and_keeps_order() {
        let p = resolve(&s(&["Credentials", "github", "credentials"])).unwrap();
        let ids: Vec<_> = p.iter().map(|p| p.id).collect();
        assert_eq!(ids, ["credentials", "github"]);
    }

    #[test]
    fn unknown_provider_is_one_line_error() {
        let e = resolve(&s(&["github", "myspace"])).unwrap_err();
        assert!(e.starts_with("unknown provider \"myspace\""), "{e}");
        assert!(!e.contains('\n'));
    }

    #[test]
    fn empty_list_is_an_error() {
        assert!(resolve(&s(&[" "])).is_err());
    }

    #[test]
    fn v5_env_names_follow_auth_id_convention() {
        let gh = &PROVIDERS[0];
        assert_eq!(gh.v5_env_id(), "AUTH_GITHUB_ID");
        assert_eq!(gh.v5_env_secret(), "AUTH_GITHUB_SECRET");
    }
}
