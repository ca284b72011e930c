//! The rule registry. Codes are stable once shipped.
pub mod c001_secure_cookies_node_env;

use crate::rule::Rule;

/// Every rule, in code order.
pub fn all() -> Vec<&'static dyn Rule> {
    vec![&c001_secure_cookies_node_env::SecureCookiesNodeEnv]
}

/// Look a rule up by code (`C001`, case-insensitive) or name (`secure-cookies-node-env`).
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    all().into_iter().find(|r| r.meta().code.eq_ignore_ascii_case(code_or_name) || r.meta().name == code_or_name)
}
