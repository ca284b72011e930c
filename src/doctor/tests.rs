//! Classifier tests on responses recorded from real `next start` servers (next 16.4.6,
//! next-auth 4.24.15 / 5.0.0-beta.32) in `tests/doctor/recorded/<case>/` (see the README
//! there for each case's environment), plus synthetic answers for what a loopback server
//! cannot produce (https, Domain attributes, protection layers).
use super::checks::{diagnose, is_loopback, same_origin, Observed, Target};
use super::findings::Code;
use super::http::Reply;
use super::report::{self, Report, RequestSummary};
use url::Url;

const PORT: &str = "41234";

fn recorded(case: &str, endpoint: &str) -> Reply {
    let path = format!("{}/tests/doctor/recorded/{case}/{endpoint}.http", env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Reply::from_raw(&raw.replace("PORT", PORT))
}

fn case(name: &str) -> Observed {
    Observed { session: recorded(name, "session"), csrf: recorded(name, "csrf"), providers: recorded(name, "providers") }
}

fn loopback() -> Target {
    Target::parse(&format!("http://127.0.0.1:{PORT}"), "/api/auth").unwrap()
}

fn codes(t: &Target, o: &Observed, project: Option<u8>) -> Vec<&'static str> {
    diagnose(t, o, project).findings.iter().map(|f| f.code.as_str()).collect()
}

fn finding(t: &Target, o: &Observed, code: Code) -> super::findings::Finding {
    diagnose(t, o, None).findings.into_iter().find(|f| f.code == code).unwrap_or_else(|| panic!("no {code:?}"))
}

fn running(o: &Observed) -> Option<u8> {
    super::checks::detect_running(o).map(|r| r.major)
}

fn raw(s: &str) -> Reply {
    Reply::from_raw(s)
}

#[test]
fn healthy_v5_and_v4_have_no_findings() {
    let t = loopback();
    let v5 = case("v5-healthy");
    assert_eq!(codes(&t, &v5, None), Vec::<&str>::new());
    assert_eq!(running(&v5), Some(5));
    let v4 = case("v4-healthy");
    assert_eq!(codes(&t, &v4, None), Vec::<&str>::new());
    assert_eq!(running(&v4), Some(4));
    // The same answers asked as localhost: loopback names are one host.
    let t2 = Target::parse(&format!("http://localhost:{PORT}"), "/api/auth").unwrap();
    assert_eq!(codes(&t2, &v5, None), Vec::<&str>::new());
}

#[test]
fn missing_secret_and_untrusted_host_are_d001_with_version_specific_fixes() {
    let t = loopback();
    for name in ["v5-no-secret", "v5-untrusted-host"] {
        let o = case(name);
        assert_eq!(codes(&t, &o, None), vec!["D001"], "{name}");
        assert_eq!(running(&o), Some(5), "{name}");
        let f = finding(&t, &o, Code::D001);
        assert!(f.fix.contains("AUTH_SECRET") && f.fix.contains("AUTH_TRUST_HOST=true"));
        assert!(f.cause.contains("UntrustedHost") && f.cause.contains("MissingSecret"));
    }
    let o = case("v4-no-secret");
    assert_eq!(codes(&t, &o, None), vec!["D001"]);
    assert_eq!(running(&o), Some(4));
    let f = finding(&t, &o, Code::D001);
    assert!(f.fix.contains("NEXTAUTH_SECRET"));
    assert!(!f.fix.contains("AUTH_TRUST_HOST"));
}

#[test]
fn proxy_on_auth_routes_is_d002() {
    let t = loopback();
    let o = case("v5-proxy");
    assert_eq!(codes(&t, &o, None), vec!["D002"]);
    assert_eq!(running(&o), Some(5));
    let f = finding(&t, &o, Code::D002);
    assert!(f.evidence.join("\n").contains("/api/auth/session → 307 /api/auth/signin"), "{:?}", f.evidence);
    assert!(f.fix.contains("(?!api/auth|"), "{}", f.fix);
}

#[test]
fn url_setting_on_another_origin_is_d005() {
    let t = loopback();
    let o = case("v4-no-url");
    assert_eq!(codes(&t, &o, None), vec!["D005"]);
    let f = finding(&t, &o, Code::D005);
    assert!(f.cause.contains("falls back to http://localhost:3000"), "{}", f.cause);
    assert!(f.fix.contains(&format!("NEXTAUTH_URL=http://127.0.0.1:{PORT}")), "{}", f.fix);

    let o = case("v5-auth-url-localhost-3000");
    assert_eq!(codes(&t, &o, None), vec!["D005"]);
    let f = finding(&t, &o, Code::D005);
    assert!(f.fix.contains(&format!("`AUTH_URL=http://127.0.0.1:{PORT}`")), "{}", f.fix);
    assert!(f.cause.contains("is http://localhost:3000"), "{}", f.cause);
    assert!(f.evidence.join("\n").contains("credentials.signinUrl on http://localhost:3000"));

    // Asked on the public origin, the URLs are on next start's own loopback address.
    let public = Target::parse("https://myapp.example", "/api/auth").unwrap();
    let mut o = case("v5-https-url");
    o.providers.body = o.providers.body.replace("https://myapp.example", "https://localhost:3000");
    assert_eq!(codes(&public, &o, None), vec!["D005"]);
    let f = finding(&public, &o, Code::D005);
    assert!(f.cause.contains("`next start`'s own https://localhost:3000"), "{}", f.cause);
}

#[test]
fn https_url_setting_served_over_http_is_d005_and_d007() {
    let t = loopback();
    for name in ["v4-https-url", "v5-https-url"] {
        let o = case(name);
        assert_eq!(codes(&t, &o, None), vec!["D005", "D007"], "{name}");
        let f = finding(&t, &o, Code::D007);
        assert!(f.cause.contains("says https"), "{name}: {}", f.cause);
    }
}

#[test]
fn forced_secure_cookies_over_http_is_d007() {
    let t = loopback();
    let o = case("v4-secure-cookies");
    assert_eq!(codes(&t, &o, None), vec!["D007"]);
    let f = finding(&t, &o, Code::D007);
    assert!(f.cause.contains("useSecureCookies"));
    assert!(f.evidence.join("\n").contains("__Host-next-auth.csrf-token (HttpOnly; Secure; SameSite=Lax; Path=/)"));
    assert!(f.symptom.contains("signed out on reload"));
    assert!(f.symptom.contains("localhost"), "loopback note");
    // Same answers from a non-loopback http host: no localhost note.
    let t2 = Target::parse(&format!("http://myapp.example:{PORT}"), "/api/auth").unwrap();
    let mut o2 = o.clone();
    o2.providers.body = o2.providers.body.replace("localhost", "myapp.example");
    assert_eq!(codes(&t2, &o2, None), vec!["D007"]);
    assert!(!finding(&t2, &o2, Code::D007).symptom.contains("localhost"));
}

#[test]
fn https_deployment_with_http_url_setting_is_d006() {
    // A v4 app behind TLS whose NEXTAUTH_URL says http://: cookies unprefixed, not Secure.
    let t = Target::parse("https://myapp.example", "/api/auth").unwrap();
    let mut o = case("v4-healthy");
    o.providers.body = o.providers.body.replace(&format!("http://localhost:{PORT}"), "http://myapp.example");
    assert_eq!(codes(&t, &o, None), vec!["D005", "D006"]);
    let f = finding(&t, &o, Code::D006);
    assert!(f.cause.contains("believes it is served over http"), "{}", f.cause);
    assert!(f.evidence.join("\n").contains("next-auth.csrf-token"));
    let f = finding(&t, &o, Code::D005);
    assert!(f.cause.contains("X-Forwarded-Proto: https"), "{}", f.cause);
    // Proxy drops X-Forwarded-Proto but the URL setting is right: D006 alone.
    o.providers.body = o.providers.body.replace("http://myapp.example", "https://myapp.example");
    assert_eq!(codes(&t, &o, None), vec!["D006"]);
    // Secure prefixed cookies on https with the right URL: healthy.
    let mut ok = case("v5-https-url");
    ok.providers.body = ok.providers.body.replace("PORT", "");
    assert_eq!(codes(&t, &ok, None), Vec::<&str>::new());
}

#[test]
fn cookie_domain_must_cover_the_host() {
    let t = Target::parse("https://app.example.com", "/api/auth").unwrap();
    let with_cookie = |c: &str| Observed {
        session: raw("HTTP/1.1 200 OK\ncontent-type: application/json\n\nnull"),
        csrf: raw(&format!("HTTP/1.1 200 OK\ncontent-type: application/json\nset-cookie: {c}\n\n{{\"csrfToken\":\"x\"}}")),
        providers: raw("HTTP/1.1 200 OK\ncontent-type: application/json\n\n{}"),
    };
    let ok = with_cookie("__Secure-authjs.callback-url=x; Path=/; Secure; Domain=.example.com");
    assert_eq!(codes(&t, &ok, None), Vec::<&str>::new());
    let exact = with_cookie("__Secure-authjs.callback-url=x; Path=/; Secure; Domain=app.example.com");
    assert_eq!(codes(&t, &exact, None), Vec::<&str>::new());
    let other = with_cookie("__Secure-authjs.callback-url=x; Path=/; Secure; Domain=.example.net");
    assert_eq!(codes(&t, &other, None), vec!["D008"]);
    assert_eq!(
        finding(&t, &other, Code::D008).evidence,
        vec!["/api/auth/csrf: __Secure-authjs.callback-url (Secure; Path=/; Domain=.example.net), asked host app.example.com"]
    );
    let suffix_trap = with_cookie("__Secure-authjs.callback-url=x; Secure; Domain=le.com");
    assert_eq!(codes(&t, &suffix_trap, None), vec!["D008"]);
    let host_prefix = with_cookie("__Host-authjs.csrf-token=x; Path=/; Secure; Domain=app.example.com");
    assert_eq!(codes(&t, &host_prefix, None), vec!["D008"]);
    // Third-party cookies (a CDN's) on the auth routes are not judged.
    let cdn = with_cookie("__cf_bm=x; Domain=.cdn.example; Secure");
    assert_eq!(codes(&t, &cdn, None), Vec::<&str>::new());
}

#[test]
fn not_found_is_d004_and_only_d004() {
    let t = loopback();
    let nf = "HTTP/1.1 404 Not Found\ncontent-type: text/html; charset=utf-8\n\n<!DOCTYPE html><html>404</html>";
    let o = Observed { session: raw(nf), csrf: raw(nf), providers: raw(nf) };
    assert_eq!(codes(&t, &o, None), vec!["D004"]);
    assert_eq!(running(&o), None);
}

#[test]
fn protection_layers_and_html_are_d010() {
    let t = Target::parse("https://preview.example", "/api/auth").unwrap();
    let p = "HTTP/1.1 401 Unauthorized\ncontent-type: text/html\n\n<html>Authentication Required</html>";
    let o = Observed { session: raw(p), csrf: raw(p), providers: raw(p) };
    assert_eq!(codes(&t, &o, None), vec!["D010"]);
    assert!(finding(&t, &o, Code::D010).cause.contains("protection"));

    let html = "HTTP/1.1 200 OK\ncontent-type: text/html\n\n<!doctype html><div id=root></div>";
    let o = Observed { session: raw(html), csrf: raw(html), providers: raw(html) };
    assert_eq!(codes(&t, &o, None), vec!["D010"]);

    // A 500 without Auth.js's configuration body is a crash, not D001.
    let crash = "HTTP/1.1 500 Internal Server Error\ncontent-type: text/plain\n\nInternal Server Error";
    let mut o = case("v5-https-url");
    o.session = raw(crash);
    let c = codes(&t, &o, None);
    assert!(c.contains(&"D010") && !c.contains(&"D001"), "{c:?}");

    // Redirected to another site's login page.
    let sso = "HTTP/1.1 302 Found\nlocation: https://sso.example/login?next=x\n\n";
    let o = Observed { session: raw(sso), csrf: raw(sso), providers: raw(sso) };
    assert_eq!(codes(&t, &o, None), vec!["D010"]);
}

#[test]
fn redirect_to_the_same_path_elsewhere_is_d003() {
    let t = Target::parse("http://myapp.example", "/api/auth").unwrap();
    let r = |ep: &str| raw(&format!("HTTP/1.1 308 Permanent Redirect\nlocation: https://myapp.example/api/auth/{ep}\n\n"));
    let o = Observed { session: r("session"), csrf: r("csrf"), providers: r("providers") };
    assert_eq!(codes(&t, &o, None), vec!["D003"]);
    let f = finding(&t, &o, Code::D003);
    assert!(f.fix.contains("authfix doctor --url https://myapp.example"), "{}", f.fix);
}

#[test]
fn version_mismatch_needs_a_project_major() {
    let t = loopback();
    let o = case("v5-healthy");
    assert_eq!(codes(&t, &o, Some(5)), Vec::<&str>::new());
    assert_eq!(codes(&t, &o, Some(4)), vec!["D009"]);
    let o4 = case("v4-healthy");
    assert_eq!(codes(&t, &o4, Some(5)), vec!["D009"]);
    // Unknown running version: no claim.
    let nf = "HTTP/1.1 404 Not Found\n\n";
    let o = Observed { session: raw(nf), csrf: raw(nf), providers: raw(nf) };
    assert_eq!(codes(&t, &o, Some(5)), vec!["D004"]);
}

#[test]
fn loopback_names_are_one_host_but_ports_and_schemes_count() {
    let u = |s: &str| Url::parse(s).unwrap();
    assert!(same_origin(&u("http://127.0.0.1:3000"), &u("http://localhost:3000/x")));
    assert!(same_origin(&u("http://127.8.9.10:3000"), &u("http://[::1]:3000")));
    assert!(!same_origin(&u("http://127.0.0.1:3001"), &u("http://localhost:3000")));
    assert!(!same_origin(&u("https://localhost:3000"), &u("http://localhost:3000")));
    assert!(same_origin(&u("https://A.example"), &u("https://a.example:443")));
    assert!(!same_origin(&u("https://a.example"), &u("https://b.a.example")));
    assert!(is_loopback(&u("http://app.localhost").host().unwrap()));
    assert!(!is_loopback(&u("http://10.0.0.1").host().unwrap()));
}

#[test]
fn target_parsing() {
    let t = Target::parse("https://myapp.example/", "api/auth/").unwrap();
    assert_eq!(t.url_of("session"), "https://myapp.example/api/auth/session");
    let t = Target::parse("https://myapp.example/docs?x=1", "/api/auth").unwrap();
    assert_eq!(t.url_of("csrf"), "https://myapp.example/docs/api/auth/csrf");
    assert!(Target::parse("myapp.example", "/api/auth").unwrap_err().contains("no scheme"));
    assert!(Target::parse("ftp://myapp.example", "/api/auth").is_err());
    assert!(Target::parse("https://u:p@myapp.example", "/api/auth").unwrap_err().contains("credentials"));
    assert!(Target::parse("https://myapp.example", "/a?b").is_err());
    // The auth base path given in the URL is not doubled.
    let t = Target::parse("https://myapp.example/api/auth/", "/api/auth").unwrap();
    assert_eq!(t.url_of("session"), "https://myapp.example/api/auth/session");
    let t = Target::parse("https://myapp.example/app/api/auth", "/api/auth").unwrap();
    assert_eq!(t.url_of("session"), "https://myapp.example/app/api/auth/session");
}

#[test]
fn trailing_slash_redirects_are_recognised() {
    let u = "https://myapp.example/api/auth/session";
    assert!(Target::is_trailing_slash_redirect(u, "/api/auth/session/"));
    assert!(Target::is_trailing_slash_redirect(u, "https://myapp.example/api/auth/session/"));
    assert!(!Target::is_trailing_slash_redirect(u, "/api/auth/signin"));
    assert!(!Target::is_trailing_slash_redirect(u, "https://other.example/api/auth/session/"));
    assert!(!Target::is_trailing_slash_redirect(u, "/api/auth/session"));
}

#[test]
fn reports_never_contain_cookie_values_or_tokens() {
    let t = loopback();
    let secret = "SEKRET0123456789";
    let o = Observed {
        session: raw(&format!(
            "HTTP/1.1 200 OK\ncontent-type: application/json\nset-cookie: __Secure-next-auth.session-token={secret}; Path=/; Secure; Domain=.other.example\n\n{{}}"
        )),
        csrf: raw(&format!(
            "HTTP/1.1 200 OK\ncontent-type: application/json\nset-cookie: __Host-next-auth.csrf-token={secret}%7C{secret}; Path=/; HttpOnly; Secure\n\n{{\"csrfToken\":\"{secret}\"}}"
        )),
        providers: raw(&format!(
            "HTTP/1.1 302 Found\nlocation: /login?x=1\nset-cookie: next-auth.callback-url={secret}; Path=/\n\n"
        )),
    };
    let d = diagnose(&t, &o, Some(5));
    assert!(d.findings.len() >= 3, "{:?}", d.findings);
    let rep = problems_report(&t, &o, d);
    let mut human = Vec::new();
    report::print_human(&rep, &mut human).unwrap();
    let mut json = Vec::new();
    report::print_json(&rep, &mut json).unwrap();
    for out in [String::from_utf8(human).unwrap(), String::from_utf8(json).unwrap()] {
        assert!(!out.contains(secret), "{out}");
        assert!(out.contains("__Host-next-auth.csrf-token"));
    }
}

#[test]
fn json_report_schema() {
    let t = loopback();
    let o = case("v4-secure-cookies");
    let d = diagnose(&t, &o, None);
    let rep = problems_report(&t, &o, d);
    let mut buf = Vec::new();
    report::print_json(&rep, &mut buf).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
    assert_eq!(v["schema"], "authfix-doctor/1");
    assert_eq!(v["running"]["major"], 4);
    assert_eq!(v["requests"][1]["endpoint"], "csrf");
    assert_eq!(v["requests"][1]["cookies"][0]["name"], "__Host-next-auth.csrf-token");
    assert_eq!(v["requests"][1]["cookies"][0]["secure"], true);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "D007");
    assert_eq!(f["name"], "secure-cookies-over-http");
    assert!(f["evidence"][0].as_str().is_some_and(|s| s.contains("csrf-token")));
    for k in ["title", "symptom", "cause", "fix"] {
        assert!(f[k].as_str().is_some_and(|s| !s.is_empty()), "{k}");
    }
}

/// The report `examine` would print for these observations (status "problems").
fn problems_report(t: &Target, o: &Observed, d: super::checks::Diagnosis) -> Report {
    Report {
        schema: report::SCHEMA,
        url: t.origin_str(),
        base_path: t.base_path.clone(),
        status: "problems",
        running: d.running,
        project: None,
        requests: o.each().into_iter().map(|(ep, r)| RequestSummary::new(ep, t, r)).collect(),
        findings: d.findings,
        error: None,
        static_findings: None,
        protected: Vec::new(),
    }
}

/// A 200 `application/json` reply with this body.
fn json200(body: &str) -> Reply {
    raw(&format!("HTTP/1.1 200 OK\ncontent-type: application/json\n\n{body}"))
}

#[test]
fn every_recorded_json_answer_has_auth_js_shape() {
    use super::checks::json_problem;
    for name in ["v4-healthy", "v4-https-url", "v4-no-url", "v4-secure-cookies", "v5-auth-url-localhost-3000", "v5-healthy", "v5-https-url"] {
        let o = case(name);
        for (ep, r) in o.each() {
            assert!(r.status == 200 && r.is_json(), "{name}/{ep}");
            assert_eq!(json_problem(&format!("/api/auth/{ep}"), ep, r), None, "{name}/{ep}");
        }
    }
}

#[test]
fn json_bodies_that_are_not_auth_js_are_named() {
    use super::checks::json_problem;
    let problem = |ep: &str, body: &str| json_problem(&format!("/api/auth/{ep}"), ep, &json200(body));
    // Auth.js's own shapes.
    for (ep, body) in [
        ("session", "null"),
        ("session", " {} \n"),
        ("csrf", r#"{"csrfToken":"a|b"}"#),
        ("providers", "{}"),
        (
            "providers",
            r#"{"github":{"id":"github","name":"GitHub","type":"oauth","signinUrl":"https://a.example/api/auth/signin/github","callbackUrl":"https://a.example/api/auth/callback/github"}}"#,
        ),
        // A provider without a name (custom providers may omit it) is still a provider.
        ("providers", r#"{"x":{"id":"x","type":"oidc","signinUrl":"http://a/s","callbackUrl":"http://a/c"}}"#),
    ] {
        assert_eq!(problem(ep, body), None, "{ep} {body}");
    }
    for (ep, body, want) in [
        ("session", "", "not JSON (EOF while parsing"),
        ("session", "{{{", "not JSON (key must be a string"),
        ("session", "<html>", "not JSON (expected value"),
        ("session", "[]", "answered an array, not a session"),
        ("session", "\"x\"", "answered a string, not a session"),
        ("session", "0", "answered a number, not a session"),
        ("session", "false", "answered a boolean, not a session"),
        ("session", r#"{"user":{"name":"a"},"expires":"2030-01-01"}"#, "a non-empty object to a request without cookies"),
        ("csrf", "{}", "an object without a `csrfToken` string"),
        ("csrf", r#"{"csrfToken":""}"#, "an object without a `csrfToken` string"),
        ("csrf", r#"{"csrfToken":1}"#, "an object without a `csrfToken` string"),
        ("csrf", "null", "answered null, not an object with a `csrfToken` string"),
        ("csrf", r#"["csrfToken"]"#, "answered an array, not an object"),
        ("providers", "null", "answered null, not an object of providers"),
        ("providers", r#""github""#, "answered a string, not an object of providers"),
        ("providers", r#"{"a":1,"b":[],"c":{},"d":null}"#, "`a`, `b`, `c` are not a provider"),
        ("providers", r#"{"a":{"signinUrl":"/api/auth/signin/a","callbackUrl":"/api/auth/callback/a"}}"#, "`a` is not a provider"),
        ("providers", r#"{"a":{"signinUrl":"javascript:alert(1)","callbackUrl":"http://a/c"}}"#, "`a` is not a provider"),
        ("providers", r#"{"a":{"id":7,"signinUrl":"http://a/s","callbackUrl":"http://a/c"}}"#, "`a` is not a provider"),
    ] {
        let got = problem(ep, body).unwrap_or_else(|| panic!("{ep} {body}: no problem"));
        assert!(got.starts_with(&format!("/api/auth/{ep}")), "{got}");
        assert!(got.contains(want), "{ep} {body}: {got}");
    }
    // A name from the body is shortened and escaped, never printed raw.
    let long = format!(r#"{{"{}\n":1}}"#, "k".repeat(100));
    let got = problem("providers", &long).unwrap();
    assert!(got.contains(&format!("`{}…`", "k".repeat(40))) && !got.contains('\n'), "{got}");
    // Deep nesting stops at serde_json's recursion limit instead of overflowing the stack.
    let got = problem("session", &"[".repeat(100_000)).unwrap();
    assert!(got.contains("recursion limit exceeded"), "{got}");
    // A body cut at the limit is reported as such, whatever its first MiB looks like.
    let mut cut = json200("null");
    cut.body_truncated = true;
    assert!(json_problem("/api/auth/session", "session", &cut).unwrap().contains("larger than 1 MiB"));
}

#[test]
fn malformed_json_is_d010_with_its_own_cause_and_never_healthy() {
    let t = loopback();
    let o = Observed { session: json200("{{{"), csrf: json200("{}"), providers: json200("[]") };
    assert_eq!(codes(&t, &o, None), vec!["D010"]);
    let f = finding(&t, &o, Code::D010);
    assert_eq!(f.evidence.len(), 3, "{:?}", f.evidence);
    assert!(f.cause.contains("JSON content type"), "{}", f.cause);
    let d = diagnose(&t, &o, None);
    let rep = problems_report(&t, &o, d);
    let mut human = Vec::new();
    report::print_human(&rep, &mut human).unwrap();
    let human = String::from_utf8(human).unwrap();
    assert!(!human.contains("No problems found") && human.contains("1 problem found."), "{human}");
    // One bad endpoint among healthy ones is enough.
    let mut o = case("v5-healthy");
    o.csrf = json200(r#"{"token":"x"}"#);
    assert_eq!(codes(&t, &o, None), vec!["D010"]);
    // A 401 among them keeps the protection-layer cause.
    o.session = raw("HTTP/1.1 401 Unauthorized\ncontent-type: text/html\n\nno");
    assert!(finding(&t, &o, Code::D010).cause.contains("protection layer"));
}

// --- D011 (--protected) --------------------------------------------------------------------------

fn recorded_protected(name: &str) -> Reply {
    recorded("protected", name)
}

#[test]
fn protected_answers_recorded_from_real_servers_are_classified() {
    use super::protected::{classify, Shape, Verdict};
    for (name, shape, want) in [
        ("next15-app-no-cookie", Shape::NoCookie, Verdict::Redirect),
        ("next15-app-subrequest-page", Shape::MiddlewareSubrequest, Verdict::Page),
        ("next15-app-subrequest-own-check", Shape::MiddlewareSubrequest, Verdict::Redirect),
        ("next15-app-404", Shape::NoCookie, Verdict::NotFound),
        ("next15-pages-data-page", Shape::NextDataLocaleLess, Verdict::Page),
        ("next15-pages-data-own-check", Shape::NextDataLocaleLess, Verdict::Redirect),
        ("next16-pages-data-fixed", Shape::NextDataLocaleLess, Verdict::Redirect),
        ("next16-pages-subrequest-fixed", Shape::MiddlewareSubrequest, Verdict::Redirect),
    ] {
        assert_eq!(classify(shape, &recorded_protected(name)), want, "{name}");
    }
}

#[test]
fn protected_synthetic_answers_are_classified() {
    use super::protected::{classify, Shape, Verdict};
    let c = |shape, s: &str| classify(shape, &raw(s));
    let page = Shape::NoCookie;
    assert_eq!(c(page, "HTTP/1.1 401 Unauthorized\ncontent-type: text/plain\n\nno"), Verdict::Denied);
    assert_eq!(c(page, "HTTP/1.1 403 Forbidden\n\n"), Verdict::Denied);
    // A redirect to another host (an SSO login) protects too, and is never followed.
    assert_eq!(c(page, "HTTP/1.1 307 Temporary Redirect\nlocation: https://sso.example/login?next=%2Fdashboard\n\n"), Verdict::Redirect);
    assert_eq!(c(page, "HTTP/1.1 302 Found\nlocation: /login\n\n"), Verdict::Redirect);
    // A 3xx without a Location is not a redirect a browser follows.
    assert_eq!(c(page, "HTTP/1.1 307 Temporary Redirect\n\n"), Verdict::Other);
    // `redirect()` after streaming started: a 200 with Next's meta refresh.
    let streamed = "HTTP/1.1 200 OK\ncontent-type: text/html\n\n<!DOCTYPE html><html><head><meta id=\"__next-page-redirect\" http-equiv=\"refresh\" content=\"1;url=/api/auth/signin\"/></head><body>…</body></html>";
    assert_eq!(c(page, streamed), Verdict::Redirect);
    assert_eq!(c(page, "HTTP/1.1 200 OK\ncontent-type: text/html\n\n<html><body>Dashboard</body></html>"), Verdict::Page);
    // An API route answering its data is exposed as well.
    assert_eq!(c(page, "HTTP/1.1 200 OK\ncontent-type: application/json\n\n{\"invoices\":[]}"), Verdict::Page);
    assert_eq!(c(page, "HTTP/1.1 204 No Content\n\n"), Verdict::NoContent);
    assert_eq!(c(page, "HTTP/1.1 200 OK\n\n  \n"), Verdict::NoContent);
    assert_eq!(c(page, "HTTP/1.1 404 Not Found\n\nnope"), Verdict::NotFound);
    assert_eq!(c(page, "HTTP/1.1 500 Internal Server Error\n\nboom"), Verdict::Other);
    let data = Shape::NextDataLocaleLess;
    assert_eq!(c(data, "HTTP/1.1 200 OK\ncontent-type: application/json\n\n{\"notFound\":true}"), Verdict::NotFound);
    assert_eq!(c(data, "HTTP/1.1 200 OK\ncontent-type: application/json\n\n{}"), Verdict::Other);
    assert_eq!(c(data, "HTTP/1.1 200 OK\ncontent-type: text/html\n\n<html>"), Verdict::Other);
    assert_eq!(c(data, "HTTP/1.1 200 OK\nx-nextjs-redirect: /login\n\n{}"), Verdict::Redirect);
}

#[test]
fn build_ids_are_read_from_pages_router_html_only() {
    use super::protected::build_id_of;
    let id = build_id_of(&recorded_protected("next15-pages-404").body).expect("a build id");
    assert!(id.len() >= 10 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'), "{id}");
    assert_eq!(build_id_of(&recorded_protected("next15-app-404").body), None);
    assert_eq!(build_id_of(r#"{"buildId":"../../etc"}"#), None);
    assert_eq!(build_id_of(r#"{"buildId":""}"#), None);
}

#[test]
fn protected_probes_and_paths() {
    use super::protected::{parse_path, Probe, Shape, SUBREQUEST_VALUE};
    assert_eq!(Probe::next_data("/dashboard", "ID").path, "/_next/data/ID/dashboard.json");
    assert_eq!(Probe::next_data("/a/b/?x=1", "ID").path, "/_next/data/ID/a/b.json?x=1");
    assert_eq!(Probe::next_data("/", "ID").path, "/_next/data/ID/index.json");
    let s = Probe::subrequest("/dashboard");
    assert_eq!(s.shape, Shape::MiddlewareSubrequest);
    assert_eq!(s.headers, vec![("x-middleware-subrequest", SUBREQUEST_VALUE.to_string())]);
    assert_eq!(SUBREQUEST_VALUE.split(':').filter(|n| *n == "middleware").count(), 5, "Next 15 needs a depth of 5");
    assert!(Probe::no_cookie("/x").headers.is_empty());
    assert_eq!(parse_path("/dashboard").unwrap(), "/dashboard");
    assert_eq!(parse_path(" /a?b=1 ").unwrap(), "/a?b=1");
    for bad in ["dashboard", "https://other.example/dashboard", "//other.example/x", "/a#b", "/a b"] {
        assert!(parse_path(bad).is_err(), "{bad}");
    }
    // Protected paths go under Next's basePath (the path in --url) on the origin asked.
    let t = Target::parse("https://myapp.example/app", "/api/auth").unwrap();
    assert_eq!(t.url_of_app_path("/dashboard"), "https://myapp.example/app/dashboard");
    assert_eq!(loopback().url_of_app_path("/dashboard"), format!("http://127.0.0.1:{PORT}/dashboard"));
}

fn protected_request(shape: super::protected::Shape, path: &str, reply: &Reply) -> super::protected::ProtectedRequest {
    let probe = super::protected::Probe { shape, path: path.to_string(), headers: Vec::new() };
    super::protected::ProtectedRequest::new(&probe, format!("http://127.0.0.1:{PORT}{path}"), Ok(reply))
}

#[test]
fn d011_names_the_request_shape_and_its_advisory() {
    use super::protected::{finding, ProtectedPath, Shape};
    let t = loopback();
    let refused = protected_request(Shape::NoCookie, "/dashboard", &recorded_protected("next15-app-no-cookie"));
    let bypassed = protected_request(Shape::MiddlewareSubrequest, "/dashboard", &recorded_protected("next15-app-subrequest-page"));
    let own_check = protected_request(Shape::MiddlewareSubrequest, "/account", &recorded_protected("next15-app-subrequest-own-check"));
    // Refused everywhere: nothing to report.
    let safe = [ProtectedPath { path: "/account".into(), requests: vec![refused.clone(), own_check] }];
    assert!(finding(&t, &safe).is_none());
    let paths = [ProtectedPath { path: "/dashboard".into(), requests: vec![refused, bypassed] }];
    let f = finding(&t, &paths).expect("D011");
    assert_eq!(f.code, Code::D011);
    assert_eq!(
        f.evidence,
        vec!["GET /dashboard with `x-middleware-subrequest: middleware:…` (CVE-2025-29927 / GHSA-f82v-jwr5-mffw) → 200 text/html: the page"]
    );
    assert!(f.cause.contains("15.0.0–15.2.2") && f.cause.contains("no session check of its own"), "{}", f.cause);
    assert!(f.fix.contains("15.2.3") && f.fix.contains("getServerSession(authOptions)") && f.fix.contains("auth()"), "{}", f.fix);
    assert!(!f.fix.contains("matcher"), "not a matcher gap: {}", f.fix);
    // The data route of the Pages Router advisory.
    let data = protected_request(Shape::NextDataLocaleLess, "/_next/data/ID/dashboard.json", &recorded_protected("next15-pages-data-page"));
    let f = finding(&t, &[ProtectedPath { path: "/dashboard".into(), requests: vec![data] }]).unwrap();
    assert!(
        f.evidence[0].contains("/_next/data/ID/dashboard.json (the locale-less data route, CVE-2026-44573 / GHSA-36qx-fr4f-26g5) → 200 application/json"),
        "{:?}",
        f.evidence
    );
    assert!(f.fix.contains("15.5.16, 16.2.5"), "{}", f.fix);
    // Served without any cookie: a matcher gap, not an advisory.
    let open = protected_request(Shape::NoCookie, "/reports", &raw("HTTP/1.1 200 OK\ncontent-type: text/html\n\n<html>reports</html>"));
    let f = finding(&t, &[ProtectedPath { path: "/reports".into(), requests: vec![open] }]).unwrap();
    assert_eq!(f.evidence, vec!["GET /reports without a cookie → 200 text/html: the page"]);
    assert!(f.fix.contains("matcher") && f.fix.contains("own sign-in form"), "{}", f.fix);
    assert!(!f.cause.contains("CVE"), "{}", f.cause);
}

#[test]
fn d011_report_lists_each_request_without_bodies_or_cookie_values() {
    use super::protected::{finding, ProtectedPath, Shape};
    let t = loopback();
    let paths = vec![ProtectedPath {
        path: "/dashboard".into(),
        requests: vec![
            protected_request(Shape::NoCookie, "/dashboard", &recorded_protected("next15-app-no-cookie")),
            protected_request(Shape::MiddlewareSubrequest, "/dashboard", &recorded_protected("next15-app-subrequest-page")),
        ],
    }];
    let o = case("v4-healthy");
    let mut d = diagnose(&t, &o, None);
    d.findings.extend(finding(&t, &paths));
    let mut rep = problems_report(&t, &o, d);
    rep.protected = paths;
    let mut human = Vec::new();
    report::print_human(&rep, &mut human).unwrap();
    let human = strip_ansi(&String::from_utf8(human).unwrap());
    assert!(human.contains("  /dashboard\n      no cookie                  307 → http://localhost:41234/api/auth/signin?…  redirect\n"), "{human}");
    assert!(human.contains("      x-middleware-subrequest    200 text/html  the page\n"), "{human}");
    assert!(human.contains("D011 A protected page answers signed-out requests"), "{human}");
    assert!(!human.contains("doctor-protected-page-marker"), "bodies are never printed: {human}");
    let mut json = Vec::new();
    report::print_json(&rep, &mut json).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["protected"][0]["requests"][1]["shape"], "middleware-subrequest");
    assert_eq!(v["protected"][0]["requests"][1]["verdict"], "page");
    assert_eq!(v["protected"][0]["requests"][1]["advisory"], "CVE-2025-29927 / GHSA-f82v-jwr5-mffw");
    assert_eq!(v["protected"][0]["requests"][0]["verdict"], "redirect");
    assert!(!String::from_utf8(json).unwrap().contains("marker"));
}

/// The text without its ANSI styles (`ESC [ … m`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
