//! Package-name validation with npm's rules (validate-npm-package-name, for new packages).

/// Node's built-in modules: npm refuses them as package names.
const BUILTINS: &[&str] = &[
    "assert",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "dns",
    "domain",
    "events",
    "fs",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "repl",
    "stream",
    "string_decoder",
    "sys",
    "timers",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
];

/// `Ok(())` when npm would accept `name` for a new package; otherwise a one-line reason.
pub fn npm_package_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("name must not be empty".into());
    }
    if name.len() > 214 {
        return Err("name must be at most 214 characters".into());
    }
    if name.trim() != name {
        return Err("name must not start or end with spaces".into());
    }
    if name.starts_with('.') {
        return Err("name must not start with a period".into());
    }
    if name.starts_with('_') {
        return Err("name must not start with an underscore".into());
    }
    if name.chars().any(|c| c.is_uppercase()) {
        return Err("name must be lowercase".into());
    }
    if name.contains(['~', '\'', '!', '(', ')', '*']) {
        return Err("name must not contain ~'!()*".into());
    }
    if name.eq_ignore_ascii_case("node_modules") || name.eq_ignore_ascii_case("favicon.ico") {
        return Err(format!("\"{name}\" is a blocked name"));
    }
    if BUILTINS.contains(&name) {
        return Err(format!("\"{name}\" is a Node.js built-in module name"));
    }
    // URL-safe: exactly what encodeURIComponent leaves unchanged (letters, digits, - _ . ! ~ * ' ( )).
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
        return Err(format!("name must be URL-safe (found {c:?})"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::npm_package_name as v;

    #[test]
    fn accepts_ordinary_names() {
        for n in ["my-app", "app2", "a.b", "x_y", "a"] {
            assert_eq!(v(n), Ok(()), "{n}");
        }
        assert!(v(&"a".repeat(214)).is_ok());
    }

    #[test]
    fn rejects_what_npm_rejects() {
        for n in ["", "My-App", "my app", ".app", "_app", "a/b", "app!", "http", "node_modules", "caf\u{e9}", " app", "a:b", "a%20"] {
            assert!(v(n).is_err(), "{n:?} should be rejected");
        }
        assert!(v(&"a".repeat(215)).is_err());
    }
}
