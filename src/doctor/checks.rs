//! The response classifiers: pure functions from what the endpoints answered to findings.
//! No I/O here, so every check is tested with recorded responses.
use serde::Serialize;
use url::{Host, Url};

use super::findings::{Code, Finding};
use super::http::{Reply, SetCookie};

/// The deployment asked: its origin and the auth base path.
#[derive(Clone, Debug)]
pub struct Target {
    /// Scheme, host and port only (no path, query or fragment).
    pub origin: Url,
    /// Starts with `/`, no trailing `/` (e.g. `/api/auth`).
    pub base_path: String,
    /// Next's `basePath` (the path given in `--url`, e.g. `/app`), empty when none; it is put
    /// before `--protected` paths.
    pub app_base: String,
}

impl Target {
    /// `location` (as answered for `url`) is `url` with a trailing slash on the same origin:
    /// Next's `trailingSlash: true` redirect, not middleware.
    pub fn is_trailing_slash_redirect(url: &str, location: &str) -> bool {
        let Ok(from) = Url::parse(url) else {
            return false;
        };
        let Ok(to) = from.join(location) else {
            return false;
        };
        same_origin(&from, &to) && to.path() == format!("{}/", from.path())
    }

    pub fn parse(url: &str, base_path: &str) -> Result<Target, String> {
        let with_scheme = if url.contains("://") {
            url.to_string()
        } else {
            return Err(format!("`{url}` has no scheme: give the full URL, e.g. https://{url}"));
        };
        let parsed = Url::parse(&with_scheme).map_err(|e| format!("`{url}` is not a valid URL: {e}"))?;
        if parsed.scheme() != "http" && parsed.scheme() != "https" {
            return Err(format!("`{url}`: only http and https URLs can be asked"));
        }
        if parsed.host().is_none() {
            return Err(format!("`{url}` has no host"));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(format!("`{}`: credentials in the URL are not supported", parsed.host_str().unwrap_or_default()));
        }
        let mut origin = parsed.clone();
        origin.set_path("/");
        origin.set_query(None);
        origin.set_fragment(None);

        let mut bp = base_path.trim().to_string();
        if !bp.starts_with('/') {
            bp.insert(0, '/');
        }
        while bp.len() > 1 && bp.ends_with('/') {
            bp.pop();
        }
        if bp.contains('?') || bp.contains('#') || bp.contains("://") {
            return Err(format!("--base-path `{base_path}` must be a path such as /api/auth"));
        }
        if bp == "/" {
            bp.clear();
        }
        // A path in the URL (https://example.com/app) is a Next.js basePath: prepend it — unless
        // the URL already ends with the auth base path (`--url https://x.example/api/auth`).
        let mut url_path = parsed.path().trim_end_matches('/');
        if !bp.is_empty() {
            if let Some(prefix) = url_path.strip_suffix(bp.as_str()) {
                url_path = prefix;
            }
        }
        let base_path = format!("{url_path}{bp}");
        Ok(Target { origin, base_path, app_base: url_path.to_string() })
    }

    /// `https://example.com` (no trailing slash).
    pub fn origin_str(&self) -> String {
        self.origin.as_str().trim_end_matches('/').to_string()
    }

    pub fn path_of(&self, endpoint: &str) -> String {
        format!("{}/{endpoint}", self.base_path)
    }

    pub fn url_of(&self, endpoint: &str) -> String {
        format!("{}{}", self.origin_str(), self.path_of(endpoint))
    }

    /// A path on the app (`/dashboard`), with Next's basePath before it, as a full URL.
    pub fn url_of_app_path(&self, path: &str) -> String {
        format!("{}{}{path}", self.origin_str(), self.app_base)
    }

    pub fn is_https(&self) -> bool {
        self.origin.scheme() == "https"
    }
}

/// What the three endpoints answered.
#[derive(Clone, Debug)]
pub struct Observed {
    pub session: Reply,
    pub csrf: Reply,
    pub providers: Reply,
}

impl Observed {
    pub fn each(&self) -> [(&'static str, &Reply); 3] {
        [("session", &self.session), ("csrf", &self.csrf), ("providers", &self.providers)]
    }
}

/// The Auth.js major version the deployment runs, and how that was told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Running {
    pub major: u8,
    pub evidence: String,
}

/// Everything the checks concluded.
#[derive(Clone, Debug)]
pub struct Diagnosis {
    pub running: Option<Running>,
    pub findings: Vec<Finding>,
}

const CONFIG_ERROR: &str = "problem with the server configuration";

/// The cookie name without a `__Secure-` / `__Host-` prefix.
fn unprefixed(name: &str) -> &str {
    name.strip_prefix("__Secure-").or_else(|| name.strip_prefix("__Host-")).unwrap_or(name)
}

fn is_prefixed(name: &str) -> bool {
    name.starts_with("__Secure-") || name.starts_with("__Host-")
}

/// Cookies Auth.js sets: `next-auth.*` (v4), `authjs.*` (v5), or a custom name ending like one.
pub fn is_auth_cookie(name: &str) -> bool {
    let n = unprefixed(name);
    n.starts_with("next-auth.") || n.starts_with("authjs.") || n.ends_with("session-token") || n.ends_with("csrf-token") || n.ends_with("callback-url")
}

/// `localhost`, `*.localhost`, `127.x.x.x` and `::1` are one host: Next rewrites `127.x.x.x`
/// to `localhost` in request URLs.
pub fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => {
            let d = d.to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Same scheme, same port, same host — loopback names counting as one.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    if a.scheme() != b.scheme() || a.port_or_known_default() != b.port_or_known_default() {
        return false;
    }
    match (a.host(), b.host()) {
        (Some(ha), Some(hb)) => {
            if is_loopback(&ha) && is_loopback(&hb) {
                return true;
            }
            a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
        }
        _ => false,
    }
}

fn origin_of(u: &Url) -> String {
    u.origin().ascii_serialization()
}

/// The running major: from cookie names, the configuration-error wording, or the signed-out
/// session body (`{}` in v4, `null` in v5).
pub fn detect_running(obs: &Observed) -> Option<Running> {
    let mut names: Vec<&str> = Vec::new();
    for (_, r) in obs.each() {
        for c in &r.set_cookies {
            if !names.contains(&c.name.as_str()) {
                names.push(&c.name);
            }
        }
    }
    let v5: Vec<&str> = names.iter().copied().filter(|n| unprefixed(n).starts_with("authjs.")).collect();
    let v4: Vec<&str> = names.iter().copied().filter(|n| unprefixed(n).starts_with("next-auth.")).collect();
    if !v5.is_empty() && v4.is_empty() {
        return Some(Running { major: 5, evidence: format!("cookie names {}", v5.join(", ")) });
    }
    if !v4.is_empty() && v5.is_empty() {
        return Some(Running { major: 4, evidence: format!("cookie names {}", v4.join(", ")) });
    }
    for (ep, r) in obs.each() {
        if r.status == 500 && r.body.contains(CONFIG_ERROR) {
            if r.body.contains("There is a problem") {
                return Some(Running { major: 4, evidence: format!("\"There is a problem…\" on /{ep}, v4's wording") });
            }
            if r.body.contains("There was a problem") {
                return Some(Running { major: 5, evidence: format!("\"There was a problem…\" on /{ep}, v5's wording") });
            }
        }
    }
    if obs.session.status == 200 && obs.session.is_json() {
        match obs.session.body.trim() {
            "{}" => return Some(Running { major: 4, evidence: "signed-out /session answers {} (v4)".into() }),
            "null" => return Some(Running { major: 5, evidence: "signed-out /session answers null (v5)".into() }),
            _ => {}
        }
    }
    None
}

/// Run every check. `project_major` is the major the repository depends on (`--project`).
pub fn diagnose(target: &Target, obs: &Observed, project_major: Option<u8>) -> Diagnosis {
    let running = detect_running(obs);
    let major = running.as_ref().map(|r| r.major);
    let mut findings = Vec::new();
    // Endpoints whose answer is explained by a finding already (not "unexpected").
    let mut explained: Vec<&'static str> = Vec::new();

    check_config_error(target, obs, major, &mut findings, &mut explained);
    check_redirects(target, obs, &mut findings, &mut explained);
    check_not_found(target, obs, &mut findings, &mut explained);
    check_unexpected(target, obs, &explained, &mut findings);
    let providers_origin = check_provider_origin(target, obs, major, &mut findings);
    check_cookies(target, obs, major, providers_origin.as_ref(), &mut findings);
    if let (Some(p), Some(r)) = (project_major, running.as_ref()) {
        if p != r.major {
            findings.push(version_mismatch(p, r));
        }
    }
    findings.sort_by_key(|f| f.code);
    Diagnosis { running, findings }
}

fn check_config_error(target: &Target, obs: &Observed, major: Option<u8>, findings: &mut Vec<Finding>, explained: &mut Vec<&'static str>) {
    let hit: Vec<&'static str> = obs.each().into_iter().filter(|(_, r)| r.status == 500 && r.body.contains(CONFIG_ERROR)).map(|(ep, _)| ep).collect();
    if !hit.contains(&"session") {
        return;
    }
    explained.extend(&hit);
    let paths = hit.iter().map(|e| target.path_of(e)).collect::<Vec<_>>().join(", ");
    let origin = target.origin_str();
    let message = serde_json::from_str::<serde_json::Value>(&obs.session.body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_string))
        .filter(|m| m.chars().count() <= 200)
        .unwrap_or_else(|| CONFIG_ERROR.to_string());
    let symptom = match major {
        Some(4) => {
            "Sign-in fails with \"Server error\"; server pages calling `getServerSession()` \
             crash (it throws on configuration errors); `useSession()` stays unauthenticated."
        }
        Some(5) => {
            "Every page shows the user as signed out (`auth()` returns null) and signing in \
             fails with \"Server error\"."
        }
        _ => "Every page shows the user as signed out and signing in fails with \"Server error\".",
    };
    let (cause, fix) = match major {
        Some(4) => (
            "next-auth v4 has no secret: in production (`NODE_ENV=production`) it refuses every \
             request without one (server log: `[next-auth][error][NO_SECRET]`; another \
             configuration error there would give the same answer)."
                .to_string(),
            "Set `NEXTAUTH_SECRET` in the deployment's environment (generate one with \
             `openssl rand -base64 32`), or pass `secret` in authOptions; then restart or redeploy."
                .to_string(),
        ),
        Some(5) => (
            "Auth.js v5 has no secret (`MissingSecret`) or does not trust the host \
             (`UntrustedHost`); both give this same answer, the server log names which. v5 trusts \
             the host only with `AUTH_TRUST_HOST`, `AUTH_URL`, on Vercel/Cloudflare Pages, or \
             outside production — `NEXTAUTH_URL` does not make the host trusted."
                .to_string(),
            format!(
                "Set `AUTH_SECRET` in the deployment's environment (`npx auth secret` or \
                 `openssl rand -base64 32`), and either `AUTH_TRUST_HOST=true` (when the proxy \
                 in front sets the Host / X-Forwarded-Host header) or `AUTH_URL={origin}`; then \
                 restart or redeploy."
            ),
        ),
        _ => (
            "Auth.js refuses to run: no secret (v4 in production, v5 always) or, for v5, an \
             untrusted host."
                .to_string(),
            format!(
                "v4: set `NEXTAUTH_SECRET`. v5: set `AUTH_SECRET`, and `AUTH_TRUST_HOST=true` or \
                 `AUTH_URL={origin}`. Then restart or redeploy."
            ),
        ),
    };
    findings.push(Finding::new(Code::D001, vec![format!("{paths} answered 500 {message:?}")], symptom, cause, fix));
}

fn check_redirects(target: &Target, obs: &Observed, findings: &mut Vec<Finding>, explained: &mut Vec<&'static str>) {
    let mut same_site: Vec<String> = Vec::new();
    let mut elsewhere: Vec<String> = Vec::new();
    let mut foreign: Vec<String> = Vec::new();
    let mut elsewhere_origin: Option<String> = None;
    for (ep, r) in obs.each() {
        if !r.is_redirect() {
            continue;
        }
        let path = target.path_of(ep);
        let from = match Url::parse(&target.url_of(ep)) {
            Ok(u) => u,
            Err(_) => continue,
        };
        let loc = r.location.clone().unwrap_or_default();
        let to = from.join(&loc).ok();
        explained.push(ep);
        let shown = without_query(&loc);
        match to {
            Some(to) if same_origin(&to, &target.origin) => {
                same_site.push(format!("{path} → {} {shown}", r.status));
            }
            Some(to) if to.path() == from.path() => {
                elsewhere_origin.get_or_insert_with(|| origin_of(&to));
                elsewhere.push(format!("{path} → {} {shown}", r.status));
            }
            _ => foreign.push(format!("{path} → {} {shown}", r.status)),
        }
    }
    let base = &target.base_path;
    if !same_site.is_empty() {
        findings.push(Finding::new(
            Code::D002,
            same_site,
            "The session never loads: `useSession()` stays \"loading\" or \"unauthenticated\", \
             the console shows `ClientFetchError`, and signing in sends the user back to the \
             sign-in page.",
            format!(
                "Middleware (`proxy.ts` on Next 16, `middleware.ts` before) runs on {base}/* and \
                 redirects requests that carry no session — the very requests that create one."
            ),
            format!(
                "Exclude the auth routes from the matcher in `proxy.ts` / `middleware.ts`, e.g. \
                 `export const config = {{ matcher: [\"/((?!{}|_next/static|_next/image|favicon.ico).*)\"] }}`, \
                 or return true early for `{base}` paths in the `authorized` callback / your \
                 middleware function.",
                base.trim_start_matches('/')
            ),
        ));
    }
    if !elsewhere.is_empty() {
        let o = elsewhere_origin.unwrap_or_default();
        findings.push(Finding::new(
            Code::D003,
            elsewhere,
            "Sign-in and its callback bounce between two hosts; cookies set on one are missing \
             on the other, so the user looks signed out.",
            format!("{} is not the deployment's canonical URL: it redirects to {o}.", target.origin_str()),
            format!(
                "Run `authfix doctor --url {o}`, and make `AUTH_URL` (v5) / `NEXTAUTH_URL` (v4), \
                 OAuth callback URLs and links use {o}."
            ),
        ));
    }
    if !foreign.is_empty() {
        findings.push(unexpected(
            foreign,
            "A login page or protection layer on another site (deployment protection, an access \
             proxy, a WAF) answers the auth routes instead of Auth.js.",
            base,
        ));
    }
}

fn check_not_found(target: &Target, obs: &Observed, findings: &mut Vec<Finding>, explained: &mut Vec<&'static str>) {
    let hit: Vec<&'static str> = obs.each().into_iter().filter(|(_, r)| r.status == 404).map(|(ep, _)| ep).collect();
    if !(hit.contains(&"session") || hit.contains(&"providers")) {
        return;
    }
    explained.extend(&hit);
    let base = &target.base_path;
    let paths = hit.iter().map(|e| target.path_of(e)).collect::<Vec<_>>().join(", ");
    findings.push(Finding::new(
        Code::D004,
        vec![format!("{paths} answered 404")],
        "The console shows `ClientFetchError`, `useSession()` never resolves, and the sign-in \
         button leads to a 404 page.",
        format!(
            "Nothing handles {base}/*: the route handler is missing from the deployment, or it \
             is mounted under another path than {base}."
        ),
        format!(
            "Add `app{base}/[...nextauth]/route.ts` (or under `src/app/`) exporting GET and POST \
             (v5: `export const {{ GET, POST }} = handlers`; v4: `const handler = \
             NextAuth(authOptions); export {{ handler as GET, handler as POST }}`). If the handler \
             lives elsewhere on purpose, set `basePath` (v5) or the path of `NEXTAUTH_URL` (v4) \
             to match it, and pass `--base-path` to doctor."
        ),
    ));
}

fn unexpected(evidence: Vec<String>, cause: &str, base: &str) -> Finding {
    Finding::new(
        Code::D010,
        evidence,
        "The console shows `ClientFetchError` or \"Unexpected token '<'\"; the user always \
         looks signed out.",
        cause,
        format!(
            "Let {base}/* reach the Next.js route handler: exempt it from deployment protection, \
             basic auth or access rules, and from rewrites or catch-all routes; if it answered \
             5xx, the server log has the crash."
        ),
    )
}

fn check_unexpected(target: &Target, obs: &Observed, explained: &[&'static str], findings: &mut Vec<Finding>) {
    let mut seen = Vec::new();
    let mut protected = false;
    let mut malformed = false;
    for (ep, r) in obs.each() {
        if explained.contains(&ep) {
            continue;
        }
        let path = target.path_of(ep);
        let ct = r.content_type.as_deref().unwrap_or("no content type");
        if r.status == 200 && r.is_json() {
            if let Some(problem) = json_problem(&path, ep, r) {
                malformed = true;
                seen.push(problem);
            }
            continue;
        }
        if r.status == 404 {
            // /csrf alone missing while session and providers answer: not worth a finding.
            continue;
        }
        if r.status == 401 || r.status == 403 {
            protected = true;
        }
        seen.push(format!("{path} answered {} ({ct})", r.status));
    }
    if seen.is_empty() {
        return;
    }
    let cause = if protected {
        "A protection layer answers before the app: deployment protection (Vercel, Netlify), \
         basic auth, or an access proxy."
    } else if malformed {
        "Something else than the Auth.js route handler answers these paths with a JSON content \
         type: another API or a mock mounted there, a catch-all route, or a proxy or CDN that \
         rewrites or cuts the bodies. Auth.js's client cannot read these answers."
    } else {
        "Something else than the Auth.js route handler answers these paths: a catch-all page or \
         rewrite, a static host, or the handler crashed."
    };
    findings.push(unexpected(seen, cause, &target.base_path));
}

/// What is wrong with a 200 JSON answer of `endpoint`, if it is not what Auth.js sends to a
/// request without cookies: `{}` (v4) or `null` (v5) from `/session`, `{"csrfToken": "…"}`
/// from `/csrf`, an object of providers (each with absolute `signinUrl` and `callbackUrl`)
/// from `/providers`. The body itself is never quoted.
pub fn json_problem(path: &str, endpoint: &str, r: &Reply) -> Option<String> {
    if r.body_truncated {
        return Some(format!(
            "{path} answered a body larger than 1 MiB (doctor stopped reading there; Auth.js answers \
             are a few hundred bytes)"
        ));
    }
    let v: serde_json::Value = match serde_json::from_str(&r.body) {
        Ok(v) => v,
        Err(e) => return Some(format!("{path} answered 200 application/json that is not JSON ({e})")),
    };
    use serde_json::Value;
    match endpoint {
        "session" => match &v {
            Value::Null => None,
            Value::Object(o) if o.is_empty() => None,
            Value::Object(_) => Some(format!(
                "{path} answered a non-empty object to a request without cookies; Auth.js answers \
                 `{{}}` (v4) or `null` (v5) there"
            )),
            other => Some(format!("{path} answered {}, not a session: Auth.js answers `{{}}` (v4) or `null` (v5) there", json_kind(other))),
        },
        "csrf" => match v.get("csrfToken") {
            Some(Value::String(t)) if !t.is_empty() && v.is_object() => None,
            _ if v.is_object() => Some(format!("{path} answered an object without a `csrfToken` string")),
            _ => Some(format!("{path} answered {}, not an object with a `csrfToken` string", json_kind(&v))),
        },
        "providers" => {
            let Some(obj) = v.as_object() else {
                return Some(format!("{path} answered {}, not an object of providers", json_kind(&v)));
            };
            let bad: Vec<String> = obj.iter().filter(|(_, p)| !is_provider(p)).map(|(id, _)| format!("`{}`", short(id))).collect();
            match bad.len() {
                0 => None,
                n => Some(format!(
                    "{path}: {} {} not a provider (an object with absolute `signinUrl` and `callbackUrl` URLs)",
                    bad.into_iter().take(3).collect::<Vec<_>>().join(", "),
                    if n == 1 { "is" } else { "are" }
                )),
            }
        }
        _ => None,
    }
}

/// One entry of `/providers` as Auth.js writes it: `id`, `name`, `type` strings (when present),
/// `signinUrl` and `callbackUrl` absolute http(s) URLs.
fn is_provider(p: &serde_json::Value) -> bool {
    let Some(o) = p.as_object() else { return false };
    let url_ok = |k: &str| o.get(k).and_then(|u| u.as_str()).and_then(|u| Url::parse(u).ok()).is_some_and(|u| matches!(u.scheme(), "http" | "https"));
    let str_or_absent = |k: &str| o.get(k).is_none_or(|s| s.is_string());
    url_ok("signinUrl") && url_ok("callbackUrl") && ["id", "name", "type"].into_iter().all(str_or_absent)
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// A name from a body, for evidence: at most 40 characters, control characters escaped.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(40).flat_map(char::escape_default).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Returns the (first) origin the providers' URLs use, when they were readable.
fn check_provider_origin(target: &Target, obs: &Observed, major: Option<u8>, findings: &mut Vec<Finding>) -> Option<Url> {
    let r = &obs.providers;
    if r.status != 200 {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&r.body).ok()?;
    let obj = v.as_object()?;
    let mut first: Option<Url> = None;
    let mut wrong: Vec<String> = Vec::new();
    let mut wrong_origin: Option<Url> = None;
    for (id, p) in obj {
        for key in ["signinUrl", "callbackUrl"] {
            let Some(s) = p.get(key).and_then(|s| s.as_str()) else {
                continue;
            };
            let Ok(u) = Url::parse(s) else { continue };
            first.get_or_insert_with(|| u.clone());
            if !same_origin(&u, &target.origin) {
                let o = origin_of(&u);
                let line = format!("{id}.{key} on {o}");
                if !wrong.contains(&line) {
                    wrong.push(line);
                }
                wrong_origin.get_or_insert(u);
            }
        }
    }
    if let Some(w) = wrong_origin {
        let wo = origin_of(&w);
        let asked = target.origin_str();
        let v4_fallback = wo == "http://localhost:3000";
        let url_var = match major {
            Some(4) => "`NEXTAUTH_URL`",
            Some(5) => "`AUTH_URL` (or `NEXTAUTH_URL`)",
            _ => "`NEXTAUTH_URL` (v4) / `AUTH_URL` (v5)",
        };
        let set_var = match major {
            Some(4) => format!("`NEXTAUTH_URL={asked}`"),
            Some(5) => format!("`AUTH_URL={asked}`"),
            _ => format!("`NEXTAUTH_URL` (v4) / `AUTH_URL` (v5) to {asked}"),
        };
        let w_loopback = w.host().is_some_and(|h| is_loopback(&h));
        let t_loopback = target.origin.host().is_some_and(|h| is_loopback(&h));
        let same_host = w_loopback && t_loopback || w.host_str().map(str::to_ascii_lowercase) == target.origin.host_str().map(str::to_ascii_lowercase);
        // Auth.js saw plain http behind a TLS-terminating proxy.
        let proto_lost = target.is_https() && w.scheme() == "http" && (same_host || w_loopback);
        let cause = if major == Some(4) && v4_fallback {
            "`NEXTAUTH_URL` is not set in the deployment (next-auth v4 then falls back to \
             http://localhost:3000), or it is set or hard-coded to that value."
                .to_string()
        } else if proto_lost {
            format!(
                "Auth.js believes it is served over http: {url_var} is http://…, or the proxy in \
                 front does not send `X-Forwarded-Proto: https` (used with \
                 `AUTH_TRUST_HOST`)."
            )
        } else if w_loopback && !t_loopback {
            format!(
                "Auth.js builds its URLs from the address the server sees — `next start`'s own \
                 {wo} — because {url_var} is not set (or is set to it); behind a proxy that is \
                 not the public origin."
            )
        } else {
            format!(
                "{url_var} is {wo} — set for another deployment, or hard-coded (e.g. in \
                 `next.config` `env`, which bakes it into the build)."
            )
        };
        let fix = if proto_lost {
            format!(
                "Set {set_var} in this deployment's environment, or make the proxy send \
                 `X-Forwarded-Proto: https`; then restart or redeploy."
            )
        } else {
            format!(
                "Set {set_var} in this deployment's environment and remove any hard-coded \
                 value from `next.config` `env` (authfix fix rule C003); then restart or \
                 redeploy."
            )
        };
        findings.push(Finding::new(
            Code::D005,
            vec![format!("{}: {} (asked {asked})", target.path_of("providers"), wrong.join(", "))],
            format!(
                "Sign-in forms post to, and OAuth providers call back to, {wo}: the user lands on \
                 another site (or \"This site can't be reached\"), OAuth answers \
                 `redirect_uri_mismatch`, or the session cookie is set for the wrong host."
            ),
            cause,
            fix,
        ));
    }
    first
}

fn check_cookies(target: &Target, obs: &Observed, major: Option<u8>, providers_origin: Option<&Url>, findings: &mut Vec<Finding>) {
    // Each auth cookie once (first answer that set it), in the order seen.
    let mut cookies: Vec<(&'static str, &SetCookie)> = Vec::new();
    for (ep, r) in [("csrf", &obs.csrf), ("session", &obs.session), ("providers", &obs.providers)] {
        for c in &r.set_cookies {
            if is_auth_cookie(&c.name) && !cookies.iter().any(|(_, x)| x.name == c.name) {
                cookies.push((ep, c));
            }
        }
    }
    let describe = |ep: &str, c: &SetCookie| format!("{}: {} ({})", target.path_of(ep), c.name, c.attributes());
    let url_var = match major {
        Some(4) => "`NEXTAUTH_URL`",
        Some(5) => "`AUTH_URL`",
        _ => "`NEXTAUTH_URL` (v4) / `AUTH_URL` (v5)",
    };
    let host = target.origin.host_str().unwrap_or_default().to_ascii_lowercase();

    if target.is_https() {
        let bad: Vec<String> = cookies.iter().filter(|(_, c)| !c.secure || !is_prefixed(&c.name)).map(|(ep, c)| describe(ep, c)).collect();
        if !bad.is_empty() {
            let url_is_http = providers_origin.is_some_and(|u| u.scheme() == "http");
            let cause = if url_is_http {
                format!(
                    "Auth.js believes it is served over http: {url_var} is http://… (see the \
                     providers' URLs), so it sets unprefixed cookies without `Secure`."
                )
            } else {
                format!(
                    "Auth.js sees the requests as http: {url_var} is http://…, the proxy in \
                     front does not pass `X-Forwarded-Proto: https`, or the config sets \
                     `useSecureCookies: false`."
                )
            };
            findings.push(Finding::new(
                Code::D006,
                bad,
                "Signing in seems to work, but the session cookie is not limited to https; when \
                 the app later sees https (proxy headers or the URL setting change) the cookie \
                 names change and everyone is signed out, and v4 `withAuth` middleware reading \
                 the other name loops back to the sign-in page.",
                cause,
                format!(
                    "Set {url_var} to {} (https), make the proxy pass `X-Forwarded-Proto`, and \
                     remove `useSecureCookies: false` from the auth config.",
                    target.origin_str()
                ),
            ));
        }
    } else {
        let bad: Vec<String> = cookies.iter().filter(|(_, c)| c.secure || is_prefixed(&c.name)).map(|(ep, c)| describe(ep, c)).collect();
        if !bad.is_empty() {
            let url_is_https = providers_origin.is_some_and(|u| u.scheme() == "https");
            let (cause, fix) = if url_is_https {
                (
                    format!(
                        "{url_var} says https (see the providers' URLs) while this site is \
                         served over plain http, so Auth.js marks its cookies Secure."
                    ),
                    format!("Serve the site over https, or set {url_var} to {} for this deployment.", target.origin_str()),
                )
            } else {
                (
                    "The auth config forces `useSecureCookies: true` — typically \
                     `useSecureCookies: process.env.NODE_ENV === \"production\"`, which is true \
                     under `next start` whatever the protocol."
                        .to_string(),
                    "Remove `useSecureCookies` from the auth config (authfix fix rule C001): \
                     both v4 and v5 already derive it from the URL's protocol. Or serve the \
                     site over https."
                        .to_string(),
                )
            };
            let loopback_note = if target.origin.host().is_some_and(|h| is_loopback(&h)) {
                " (Chromium treats http://localhost as secure and keeps them, so it works on the \
                 developer's machine and breaks on any other http host.)"
            } else {
                ""
            };
            findings.push(Finding::new(
                Code::D007,
                bad,
                format!(
                    "Signed in, then signed out on reload: browsers drop Secure cookies sent over \
                     plain http, and sign-in fails with a CSRF error.{loopback_note}"
                ),
                cause,
                fix,
            ));
        }
    }

    let is_ip = matches!(target.origin.host(), Some(Host::Ipv4(_)) | Some(Host::Ipv6(_)));
    let bad_domain: Vec<String> = cookies
        .iter()
        .filter(|(_, c)| match &c.domain {
            None => false,
            Some(_) if c.name.starts_with("__Host-") => true,
            Some(d) => {
                let d = d.trim_start_matches('.').to_ascii_lowercase();
                if is_ip {
                    d != host
                } else {
                    !(host == d || host.ends_with(&format!(".{d}")))
                }
            }
        })
        .map(|(ep, c)| describe(ep, c))
        .collect();
    if !bad_domain.is_empty() {
        findings.push(Finding::new(
            Code::D008,
            bad_domain.into_iter().map(|d| format!("{d}, asked host {host}")).collect(),
            "Signed in, then signed out on reload: the browser rejects a cookie whose Domain \
             does not cover the page's host (and any `__Host-` cookie with a Domain).",
            "The auth config sets `cookies.<name>.options.domain` for another host — typically \
             the production domain, reused on a preview or another domain.",
            "Remove the `domain` override from the auth config's `cookies` (authfix fix rule \
             C002), or set it from an environment variable only on the host it belongs to; never \
             give a `__Host-` cookie a domain.",
        ));
    }
}

fn version_mismatch(project: u8, running: &Running) -> Finding {
    Finding::new(
        Code::D009,
        vec![format!("the deployment runs next-auth v{} ({}), the repository depends on v{project}", running.major, running.evidence)],
        "Fixes made in the repository have no effect on the deployment; cookies and env \
         variable names differ between majors, so users are signed out after the next deploy.",
        "The deployment was built from another commit or branch, was not redeployed, or \
         installs another version than the repository's lockfile resolves.",
        format!(
            "Redeploy from the repository with its lockfile committed; when migrating v4 → v5, \
             rename `NEXTAUTH_SECRET`/`NEXTAUTH_URL` to `AUTH_SECRET`/`AUTH_URL` in the \
             deployment (v{project} reads {}).",
            if project == 5 { "`AUTH_*` first" } else { "only `NEXTAUTH_*`" }
        ),
    )
}

/// A Location without its query (`/api/auth/signin?…`): the query only repeats the URL asked.
fn without_query(s: &str) -> String {
    match s.split_once('?') {
        Some((path, _)) => format!("{path}?…"),
        None => s.to_string(),
    }
}
