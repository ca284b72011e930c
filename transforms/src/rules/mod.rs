//! The rule registry. Codes are stable once shipped.
pub mod c001_secure_cookies_node_env;
pub mod c002_cookie_domain_override;
pub mod c003_hardcoded_auth_url;
pub mod c004_debug_always_on;
pub(crate) mod client_common;
pub(crate) mod env_common;
pub mod p001_client_root_layout;
pub mod p002_provider_in_server_layout;
pub mod p003_missing_session_provider;
pub(crate) mod provider_edits;
pub mod s001_bare_get_server_session;
pub mod s002_auth_options_in_route;
pub mod s003_get_server_session_in_v5;
pub mod u001_redirect_while_loading;
pub mod u002_hook_in_server_component;

use crate::rule::Rule;

/// Every rule, in code order.
pub fn all() -> Vec<&'static dyn Rule> {
    vec![
        &p001_client_root_layout::ClientRootLayout,
        &p002_provider_in_server_layout::ProviderInServerLayout,
        &p003_missing_session_provider::MissingSessionProvider,
        &s001_bare_get_server_session::BareGetServerSession,
        &s002_auth_options_in_route::AuthOptionsInRoute,
        &s003_get_server_session_in_v5::GetServerSessionInV5,
        &c001_secure_cookies_node_env::SecureCookiesNodeEnv,
        &c002_cookie_domain_override::CookieDomainOverride,
        &c003_hardcoded_auth_url::HardcodedAuthUrl,
        &c004_debug_always_on::DebugAlwaysOn,
        &u001_redirect_while_loading::RedirectWhileLoading,
        &u002_hook_in_server_component::HookInServerComponent,
    ]
}

/// Look a rule up by code (`C001`, case-insensitive) or name (`secure-cookies-node-env`).
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    all().into_iter().find(|r| r.meta().code.eq_ignore_ascii_case(code_or_name) || r.meta().name == code_or_name)
}
