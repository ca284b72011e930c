//! The rule registry. Codes are stable once shipped.
pub mod c001_secure_cookies_node_env;
pub mod c002_cookie_domain_override;
pub mod c003_hardcoded_auth_url;
pub mod c004_debug_always_on;
pub mod c005_credentials_with_database_strategy;
pub mod c006_dangerous_email_linking;
pub(crate) mod client_common;
pub(crate) mod config_common;
pub mod e001_missing_secret;
pub mod e002_env_local_tracked;
pub mod e003_secret_rotated_in_ci;
pub mod e004_localhost_url_in_production_env;
pub mod e005_v5_untrusted_host;
pub mod e006_v4_trust_host_without_url;
pub mod e007_v5_provider_env_names;
pub mod e008_committed_secret;
pub mod e009_base_path_mismatch;
pub mod e010_v4_middleware_secret;
pub mod e011_better_auth_secret_name;
pub(crate) mod env_common;
pub(crate) mod import_walk;
pub mod m001_matcher_catches_auth_routes;
pub mod m002_middleware_reexport;
pub mod m003_destructured_auth_export;
pub mod m004_proxy_wrong_export;
pub mod m005_middleware_to_proxy;
pub mod m006_middleware_not_loaded;
pub mod m007_conflicting_middleware_exports;
pub mod m008_server_session_in_middleware;
pub mod m009_node_only_code_in_edge_middleware;
pub mod m010_sign_in_page_in_matcher;
pub(crate) mod matcher;
pub(crate) mod middleware_common;
pub mod p001_client_root_layout;
pub mod p002_provider_in_server_layout;
pub mod p003_missing_session_provider;
pub mod p004_nested_session_provider;
pub(crate) mod protection;
pub(crate) mod provider_edits;
pub mod s001_bare_get_server_session;
pub mod s002_auth_options_in_route;
pub mod s003_get_server_session_in_v5;
pub mod s004_unchecked_auth_destructure;
pub mod s005_static_page_reads_session;
pub mod s006_server_fetches_own_api;
pub mod s007_session_id_not_exposed;
pub mod s009_route_handler_missing;
pub mod s010_proxy_only_protection;
pub mod s011_v5_fail_open_check;
pub mod u001_redirect_while_loading;
pub mod u002_hook_in_server_component;
pub mod u003_sign_in_redirect_swallowed;
pub mod u004_stale_session_after_sign_in;
pub mod v001_vulnerable_auth_version;
pub mod v002_incompatible_versions;
pub mod v003_proxy_bypass_exposure;
pub(crate) mod version_common;

use crate::rule::Rule;

/// Every rule, in code order; A001 (the engine's unused-suppression finding) last.
pub fn all() -> Vec<&'static dyn Rule> {
    vec![
        &p001_client_root_layout::ClientRootLayout,
        &p002_provider_in_server_layout::ProviderInServerLayout,
        &p003_missing_session_provider::MissingSessionProvider,
        &p004_nested_session_provider::NestedSessionProvider,
        &s001_bare_get_server_session::BareGetServerSession,
        &s002_auth_options_in_route::AuthOptionsInRoute,
        &s003_get_server_session_in_v5::GetServerSessionInV5,
        &s004_unchecked_auth_destructure::UncheckedAuthDestructure,
        &s005_static_page_reads_session::StaticPageReadsSession,
        &s006_server_fetches_own_api::ServerFetchesOwnApi,
        &s007_session_id_not_exposed::SessionIdNotExposed,
        &s009_route_handler_missing::RouteHandlerMissing,
        &s010_proxy_only_protection::ProxyOnlyProtection,
        &s011_v5_fail_open_check::V5FailOpenCheck,
        &c001_secure_cookies_node_env::SecureCookiesNodeEnv,
        &c002_cookie_domain_override::CookieDomainOverride,
        &c003_hardcoded_auth_url::HardcodedAuthUrl,
        &c004_debug_always_on::DebugAlwaysOn,
        &c005_credentials_with_database_strategy::CredentialsWithDatabaseStrategy,
        &c006_dangerous_email_linking::DangerousEmailLinking,
        &m001_matcher_catches_auth_routes::MatcherCatchesAuthRoutes,
        &m002_middleware_reexport::MiddlewareReexport,
        &m003_destructured_auth_export::DestructuredAuthExport,
        &m004_proxy_wrong_export::ProxyWrongExport,
        &m005_middleware_to_proxy::MiddlewareToProxy,
        &m006_middleware_not_loaded::MiddlewareNotLoaded,
        &m007_conflicting_middleware_exports::ConflictingMiddlewareExports,
        &m008_server_session_in_middleware::ServerSessionInMiddleware,
        &m009_node_only_code_in_edge_middleware::NodeOnlyCodeInEdgeMiddleware,
        &m010_sign_in_page_in_matcher::SignInPageInMatcher,
        &e001_missing_secret::MissingSecret,
        &e002_env_local_tracked::EnvLocalTracked,
        &e003_secret_rotated_in_ci::SecretRotatedInCi,
        &e004_localhost_url_in_production_env::LocalhostUrlInProductionEnv,
        &e005_v5_untrusted_host::V5UntrustedHost,
        &e006_v4_trust_host_without_url::V4TrustHostWithoutUrl,
        &e007_v5_provider_env_names::V5ProviderEnvNames,
        &e008_committed_secret::CommittedSecret,
        &e009_base_path_mismatch::BasePathMismatch,
        &e010_v4_middleware_secret::V4MiddlewareSecret,
        &e011_better_auth_secret_name::BetterAuthSecretName,
        &u001_redirect_while_loading::RedirectWhileLoading,
        &u002_hook_in_server_component::HookInServerComponent,
        &u003_sign_in_redirect_swallowed::SignInRedirectSwallowed,
        &u004_stale_session_after_sign_in::StaleSessionAfterSignIn,
        &v001_vulnerable_auth_version::VulnerableAuthVersion,
        &v002_incompatible_versions::IncompatibleVersions,
        &v003_proxy_bypass_exposure::ProxyBypassExposure,
        &crate::suppress::UnusedSuppression,
    ]
}

/// Look a rule up by code (`C001`, case-insensitive) or name (`secure-cookies-node-env`).
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    all().into_iter().find(|r| r.meta().code.eq_ignore_ascii_case(code_or_name) || r.meta().name == code_or_name)
}
