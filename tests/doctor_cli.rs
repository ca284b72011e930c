//! `authfix doctor` end to end without node: a loopback HTTP server in a thread replays the
//! answers recorded from real `next start` servers (tests/doctor/recorded/<case>/), and the
//! binary is run against it. The real servers are exercised by tests/doctor/run.sh.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;

const PROXY_VARS: [&str; 6] = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];

fn recorded_dir(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/doctor/recorded").join(case)
}

/// Serve `case`'s recorded answers on 127.0.0.1 (one connection at a time, `Connection:
/// close`) until the process ends. Returns the port.
fn replay(case: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            answer(stream, case, port);
        }
    });
    port
}

fn answer(mut stream: TcpStream, case: &str, port: u16) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let endpoint = path.rsplit('/').next().unwrap_or("");
    let file = recorded_dir(case).join(format!("{endpoint}.http"));
    let raw = match std::fs::read_to_string(&file) {
        Ok(raw) => raw.replace("PORT", &port.to_string()),
        Err(_) => "HTTP/1.1 404 Not Found\ncontent-type: text/plain\n\nnot found".to_string(),
    };
    let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
    let mut out = String::new();
    for line in head.lines() {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()));
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.flush();
    let mut rest = [0u8; 64];
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_millis(50)));
    let _ = stream.read(&mut rest);
}

fn doctor(args: &[&str]) -> Output {
    let mut cmd = Command::cargo_bin("authfix").unwrap();
    for v in PROXY_VARS {
        cmd.env_remove(v);
    }
    cmd.env_remove("SSL_CERT_FILE");
    cmd.args(["--color", "never", "doctor"]).args(args);
    cmd.output().unwrap()
}

fn json_codes(out: &Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    v["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn healthy_v5_replay_exits_0() {
    let port = replay("v5-healthy");
    let out = doctor(&["--url", &format!("http://127.0.0.1:{port}")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("Running: next-auth v5"), "{stdout}");
    assert!(stdout.ends_with("No problems found.\n"), "{stdout}");
}

#[test]
fn broken_replays_give_their_codes_and_exit_1() {
    for (case, want) in
        [("v4-secure-cookies", vec!["D007"]), ("v5-proxy", vec!["D002"]), ("v4-no-secret", vec!["D001"]), ("v4-https-url", vec!["D005", "D007"])]
    {
        let port = replay(case);
        let out = doctor(&["--url", &format!("http://127.0.0.1:{port}"), "--format", "json"]);
        assert_eq!(json_codes(&out), want, "{case}");
        assert_eq!(out.status.code(), Some(1), "{case}");
    }
}

#[test]
fn project_of_another_major_is_d009() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), r#"{"dependencies":{"next-auth":"^4.24.15"}}"#).unwrap();
    let port = replay("v5-healthy");
    let out = doctor(&["--url", &format!("http://127.0.0.1:{port}"), "--format", "json", "--project", dir.path().to_str().unwrap()]);
    assert_eq!(json_codes(&out), vec!["D009"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["project"]["major"], 4);
    assert_eq!(v["running"]["major"], 5);
}

#[test]
fn usage_errors_and_refused_exit_2() {
    let out = doctor(&["--url", "myapp.example"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no scheme"));

    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let out = doctor(&["--url", &format!("http://127.0.0.1:{port}")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unreachable (refused)"), "{stderr}");
    assert!(out.stdout.is_empty(), "human output of an unreachable URL goes to stderr only");

    let out = doctor(&["--url", &format!("http://127.0.0.1:{port}"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "unreachable");
    assert_eq!(v["error"]["kind"], "refused");
}

#[test]
fn project_static_findings_are_combined_without_changing_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), r#"{"dependencies":{"next":"16.4.6","next-auth":"5.0.0-beta.32"}}"#).unwrap();
    std::fs::write(dir.path().join(".env.example"), "AUTH_SECRET=\n").unwrap();
    std::fs::write(
        dir.path().join("auth.ts"),
        "import NextAuth from \"next-auth\";\nexport const { handlers, auth } = NextAuth({\n  providers: [],\n  useSecureCookies: process.env.NODE_ENV === \"production\",\n});\n",
    )
    .unwrap();
    let port = replay("v5-healthy");
    let url = format!("http://127.0.0.1:{port}");
    let out = doctor(&["--url", &url, "--format", "json", "--project", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "the deployment is healthy");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = v["static_findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["C001"]);
    assert_eq!(v["static_findings"][0]["file"], "auth.ts");
    let port = replay("v5-healthy");
    let url = format!("http://127.0.0.1:{port}");
    let out = doctor(&["--url", &url, "--project", dir.path().to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("auth.ts:4:3 error[C001]"), "{text}");
}

// --- Hostile servers (issue 12, bug 7) --------------------------------------------------------
// Loopback servers that are not Auth.js: doctor must give a clear verdict for each — a finding
// (exit 1) or `unreachable` with its reason (exit 2), never "No problems found" — within the
// timeouts it sets (AUTHFIX_DOCTOR_TIMEOUT_SECS here) and reading at most 1 MiB of a body.

use std::sync::{Arc, Mutex};
use std::time::Duration;

type Handler = Arc<dyn Fn(TcpStream, &str) + Send + Sync>;
/// A handler that also gets the request's header lines (`name: value`, lowercase names).
type HeadHandler = Arc<dyn Fn(TcpStream, &str, &[String]) + Send + Sync>;

/// Serve every connection on 127.0.0.1 (or `ip`) with `handler(stream, request path)`, each in
/// its own thread, after reading the request head. Returns the port and the paths asked.
fn serve_on(ip: &str, handler: Handler) -> (u16, Arc<Mutex<Vec<String>>>) {
    serve_heads(ip, Arc::new(move |s: TcpStream, path: &str, _: &[String]| handler(s, path)))
}

fn serve_heads(ip: &str, handler: HeadHandler) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind((ip, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = asked.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let handler = handler.clone();
            let log = log.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    return;
                }
                let mut headers = Vec::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" || line == "\n" {
                        break;
                    }
                    let line = line.trim_end();
                    headers.push(match line.split_once(':') {
                        Some((k, v)) => format!("{}: {}", k.to_ascii_lowercase(), v.trim()),
                        None => line.to_string(),
                    });
                }
                let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
                log.lock().unwrap().push(path.clone());
                handler(stream, &path, &headers);
            });
        }
    });
    (port, asked)
}

fn serve(handler: Handler) -> (u16, Arc<Mutex<Vec<String>>>) {
    serve_on("127.0.0.1", handler)
}

/// doctor with a 2 s request timeout; a hang guard kills it after 60 s (then the exit code is
/// None and the test fails).
fn doctor_bounded(args: &[&str]) -> Output {
    let mut cmd = Command::cargo_bin("authfix").unwrap();
    for v in PROXY_VARS {
        cmd.env_remove(v);
    }
    cmd.env_remove("SSL_CERT_FILE").env("AUTHFIX_DOCTOR_TIMEOUT_SECS", "2").timeout(Duration::from_secs(60));
    cmd.args(["--color", "never", "doctor"]).args(args);
    cmd.output().unwrap()
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// A 200 answer with this content type and body, closed after it.
fn answer_with(stream: &mut TcpStream, content_type: &str, body: &str) {
    let _ = write!(stream, "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
    let _ = stream.flush();
}

#[test]
fn hostile_endless_json_body_is_d010_never_a_clean_bill() {
    // 200 application/json, no length, `{{{…` until doctor hangs up.
    let (port, _) = serve(Arc::new(|mut s: TcpStream, _: &str| {
        if s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n").is_err() {
            return;
        }
        let chunk = [b'{'; 16 * 1024];
        // At most 64 MiB, so the thread ends even if nobody hangs up.
        for _ in 0..4096 {
            if s.write_all(&chunk).is_err() {
                return;
            }
        }
    }));
    let url = format!("http://127.0.0.1:{port}");
    let out = doctor_bounded(&["--url", &url]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(!text.contains("No problems found"), "{text}");
    assert!(text.contains("D010"), "{text}");
    assert!(text.contains("larger than 1 MiB"), "{text}");
    let out = doctor_bounded(&["--url", &url, "--format", "json"]);
    let v = json_of(&out);
    assert_eq!(v["status"], "problems");
    assert_eq!(json_codes(&out), vec!["D010"]);
    let evidence = v["findings"][0]["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 3, "one line per endpoint: {evidence:?}");
}

#[test]
fn hostile_json_that_does_not_parse_or_has_the_wrong_shape_is_d010() {
    // (session, csrf, providers) bodies, all 200 application/json.
    let healthy_providers = r#"{"credentials":{"id":"credentials","name":"Credentials","type":"credentials","signinUrl":"http://localhost:PORT/api/auth/signin/credentials","callbackUrl":"http://localhost:PORT/api/auth/callback/credentials"}}"#;
    let cases: [(&str, [&str; 3], &str); 8] = [
        ("short non-JSON", ["{{{", "{{{", "{{{"], "/api/auth/session answered 200 application/json that is not JSON"),
        ("session an array", ["[]", r#"{"csrfToken":"x"}"#, "{}"], "/api/auth/session answered an array"),
        ("session a string", [r#""signed out""#, r#"{"csrfToken":"x"}"#, "{}"], "/api/auth/session answered a string"),
        ("session with wrong types", [r#"{"user":"bob","expires":5}"#, r#"{"csrfToken":"x"}"#, "{}"], "/api/auth/session answered a non-empty object"),
        ("csrf {}", ["null", "{}", "{}"], "/api/auth/csrf answered an object without a `csrfToken` string"),
        ("providers not an object", ["null", r#"{"csrfToken":"x"}"#, r#"["credentials"]"#], "/api/auth/providers answered an array"),
        ("a provider not an object", ["null", r#"{"csrfToken":"x"}"#, r#"{"credentials":true}"#], "/api/auth/providers: `credentials` is not a provider"),
        (
            "a provider without URLs",
            ["{}", r#"{"csrfToken":"x"}"#, r#"{"github":{"id":"github","signinUrl":5}}"#],
            "/api/auth/providers: `github` is not a provider",
        ),
    ];
    for (name, bodies, evidence) in cases {
        let bodies = bodies.map(str::to_string);
        let (port, _) = serve(Arc::new(move |mut s: TcpStream, path: &str| {
            let i = ["session", "csrf", "providers"].iter().position(|e| path.ends_with(e)).unwrap_or(0);
            answer_with(&mut s, "application/json", &bodies[i]);
        }));
        let out = doctor_bounded(&["--url", &format!("http://127.0.0.1:{port}"), "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert_eq!(json_codes(&out), vec!["D010"], "{name}");
        let v = json_of(&out);
        let seen = v["findings"][0]["evidence"].as_array().unwrap().iter().map(|e| e.as_str().unwrap().to_string()).collect::<Vec<_>>().join("\n");
        assert!(seen.contains(evidence), "{name}: {seen}");
        // Bodies are never printed.
        assert!(!seen.contains("bob") && !seen.contains("signed out"), "{name}: {seen}");
    }
    // The same server with Auth.js's shapes is healthy (the shapes are not too strict).
    let own_port = Arc::new(std::sync::OnceLock::<u16>::new());
    let p = own_port.clone();
    let (port, _) = serve(Arc::new(move |mut s: TcpStream, path: &str| {
        let body = if path.ends_with("session") {
            "null".to_string()
        } else if path.ends_with("csrf") {
            r#"{"csrfToken":"abc"}"#.to_string()
        } else {
            healthy_providers.replace("PORT", &p.get().unwrap().to_string())
        };
        answer_with(&mut s, "application/json; charset=utf-8", &body);
    }));
    own_port.set(port).unwrap();
    let out = doctor_bounded(&["--url", &format!("http://localhost:{port}"), "--format", "json"]);
    let v = json_of(&out);
    assert_eq!(json_codes(&out), Vec::<String>::new(), "{v}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn hostile_silent_server_times_out() {
    let (port, _) = serve(Arc::new(|s: TcpStream, _: &str| {
        std::thread::sleep(Duration::from_secs(30));
        drop(s);
    }));
    let out = doctor_bounded(&["--url", &format!("http://127.0.0.1:{port}"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let v = json_of(&out);
    assert_eq!(v["status"], "unreachable");
    assert_eq!(v["error"]["kind"], "timeout", "{v}");
}

#[test]
fn hostile_slow_drip_body_times_out() {
    // Headers at once, then one byte of body every 100 ms: the 2 s bound covers the body too.
    let (port, _) = serve(Arc::new(|mut s: TcpStream, _: &str| {
        if s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n").is_err() {
            return;
        }
        for _ in 0..600 {
            if s.write_all(b" ").and_then(|_| s.flush()).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }));
    let out = doctor_bounded(&["--url", &format!("http://127.0.0.1:{port}"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let v = json_of(&out);
    assert_eq!(v["error"]["kind"], "timeout", "{v}");
}

#[test]
fn hostile_answers_that_are_not_http_are_unreachable_protocol() {
    let garbage: Handler = Arc::new(|mut s: TcpStream, _: &str| {
        let _ = s.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\x00\xff\xfe garbage\r\n\r\n");
    });
    let close: Handler = Arc::new(|s: TcpStream, _: &str| drop(s));
    let huge_headers: Handler = Arc::new(|mut s: TcpStream, _: &str| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n");
        let pad = format!("x-pad: {}\r\n", "a".repeat(1000));
        for _ in 0..2048 {
            if s.write_all(pad.as_bytes()).is_err() {
                return;
            }
        }
        let _ = s.write_all(b"\r\nnull");
    });
    for (name, handler, message) in [("garbage", garbage, "not HTTP"), ("immediate close", close, "closed"), ("huge headers", huge_headers, "headers")] {
        let (port, _) = serve(handler);
        let out = doctor_bounded(&["--url", &format!("http://127.0.0.1:{port}"), "--format", "json"]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let v = json_of(&out);
        assert_eq!(v["status"], "unreachable", "{name}");
        assert!(["protocol", "connection"].contains(&v["error"]["kind"].as_str().unwrap()), "{name}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(message), "{name}: {v}");
        let out = doctor_bounded(&["--url", &format!("http://127.0.0.1:{port}")]);
        assert!(out.stdout.is_empty(), "{name}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("unreachable ("), "{name}");
    }
}

#[test]
fn hostile_redirects_to_other_hosts_are_never_followed() {
    // B is another host (127.0.0.2) and another port; it must never be contacted.
    let (b_port, b_asked) = serve_on("127.0.0.2", Arc::new(|mut s: TcpStream, _: &str| answer_with(&mut s, "application/json", "null")));
    for (name, location, want) in [
        ("same path on another host", format!("http://127.0.0.2:{b_port}{{path}}"), "D003"),
        ("same path with a slash on another host", format!("http://127.0.0.2:{b_port}{{path}}/"), "D010"),
        ("a login page elsewhere", format!("http://127.0.0.2:{b_port}/login?next={{path}}"), "D010"),
        ("another port, as localhost", format!("http://localhost:{b_port}{{path}}"), "D003"),
    ] {
        let loc = location.clone();
        let (port, asked) = serve(Arc::new(move |mut s: TcpStream, path: &str| {
            let _ = write!(s, "HTTP/1.1 308 Permanent Redirect\r\nlocation: {}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n", loc.replace("{path}", path));
        }));
        let out = doctor_bounded(&["--url", &format!("http://127.0.0.1:{port}"), "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert_eq!(json_codes(&out), vec![want], "{name}");
        assert_eq!(asked.lock().unwrap().len(), 3, "{name}: one request per endpoint");
    }
    assert!(b_asked.lock().unwrap().is_empty(), "the redirect target was contacted: {:?}", b_asked.lock().unwrap());
}

// --- --protected (D011) -------------------------------------------------------------------------

/// The v5-healthy recorded answers for the auth endpoints; `page(path, headers)` for the rest
/// as (status line, extra headers, body).
fn app_server(page: impl Fn(&str, &[String]) -> (&'static str, String, String) + Send + Sync + 'static) -> (u16, Arc<Mutex<Vec<String>>>) {
    let port = Arc::new(std::sync::OnceLock::<u16>::new());
    let p = port.clone();
    let served = serve_heads(
        "127.0.0.1",
        Arc::new(move |mut s: TcpStream, path: &str, headers: &[String]| {
            let port = *p.get().unwrap();
            let (status, extra, body) = if path.starts_with("/api/auth/") {
                let raw = std::fs::read_to_string(recorded_dir("v5-healthy").join(format!("{}.http", path.rsplit('/').next().unwrap()))).unwrap();
                let raw = raw.replace("PORT", &port.to_string());
                let (head, body) = raw.split_once("\n\n").unwrap();
                let mut lines = head.lines();
                let status = lines.next().unwrap().trim_start_matches("HTTP/1.1 ").to_string();
                (status, lines.map(|l| format!("{l}\r\n")).collect::<String>(), body.to_string())
            } else {
                let (status, extra, body) = page(path, headers);
                (status.to_string(), extra, body)
            };
            let _ = write!(s, "HTTP/1.1 {status}\r\n{extra}content-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
        }),
    );
    port.set(served.0).unwrap();
    served
}

/// /dashboard as on a Next.js the advisory affects: the middleware redirects, unless the request
/// names it in x-middleware-subrequest; /account also checks in the page; /open has no check.
fn vulnerable_app(path: &str, headers: &[String]) -> (&'static str, String, String) {
    let skipped = headers.iter().any(|h| h.starts_with("x-middleware-subrequest: middleware:middleware:middleware:middleware:middleware"));
    let to_signin = ("307 Temporary Redirect", "location: /api/auth/signin?callbackUrl=%2F\r\n".to_string(), String::new());
    match path {
        "/dashboard" | "/account" if !skipped => to_signin,
        "/dashboard" => ("200 OK", "content-type: text/html\r\n".into(), "<html>secret dashboard</html>".into()),
        "/account" => ("307 Temporary Redirect", "location: /api/auth/signin\r\n".into(), String::new()),
        "/open" => ("200 OK", "content-type: text/html\r\n".into(), "<html>open</html>".into()),
        _ => ("404 Not Found", "content-type: text/html\r\n".into(), "<html>404</html>".into()),
    }
}

#[test]
fn protected_path_reached_through_a_bypass_shape_is_d011() {
    let (port, asked) = app_server(vulnerable_app);
    let url = format!("http://127.0.0.1:{port}");
    let out = doctor_bounded(&["--url", &url, "--protected", "/dashboard", "--protected", "/account", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_codes(&out), vec!["D011"]);
    let v = json_of(&out);
    let f = &v["findings"][0];
    assert_eq!(f["evidence"].as_array().unwrap().len(), 1, "{f}");
    assert!(f["evidence"][0].as_str().unwrap().starts_with("GET /dashboard with `x-middleware-subrequest"), "{f}");
    assert_eq!(v["protected"][0]["requests"][0]["verdict"], "redirect");
    assert_eq!(v["protected"][0]["requests"][1]["verdict"], "page");
    assert_eq!(v["protected"][1]["requests"][1]["verdict"], "redirect", "the page's own check answers");
    // Three auth endpoints, one 404 probe for a Pages Router build id, two requests per path.
    let asked = asked.lock().unwrap().clone();
    assert_eq!(asked.iter().filter(|p| !p.starts_with("/api/auth/")).count(), 5, "{asked:?}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("secret dashboard"), "bodies are never printed");

    let out = doctor_bounded(&["--url", &url, "--protected", "/account"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("No problems found."), "{text}");
    assert!(text.contains("x-middleware-subrequest"), "{text}");
}

#[test]
fn protected_path_open_to_everyone_is_d011_and_a_missing_one_is_not() {
    let (port, _) = app_server(vulnerable_app);
    let url = format!("http://127.0.0.1:{port}");
    let out = doctor_bounded(&["--url", &url, "--protected", "/open", "--protected", "/missing", "--format", "json"]);
    assert_eq!(json_codes(&out), vec!["D011"]);
    let v = json_of(&out);
    assert_eq!(v["findings"][0]["evidence"][0], "GET /open without a cookie → 200 text/html: the page");
    assert_eq!(v["protected"][0]["requests"].as_array().unwrap().len(), 1, "no bypass shapes when the plain request gets the page");
    assert_eq!(v["protected"][1]["requests"][0]["verdict"], "not-found");
}

#[test]
fn protected_paths_are_paths_on_the_origin_given() {
    for bad in ["dashboard", "https://other.example/dashboard", "//other.example/x"] {
        let out = doctor(&["--url", "http://127.0.0.1:9", "--protected", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("must be a path on the app"), "{bad}");
    }
    // A redirect of a protected path to another host is a refusal; the other host is not asked.
    let (b_port, b_asked) = serve_on("127.0.0.2", Arc::new(|mut s: TcpStream, _: &str| answer_with(&mut s, "text/html", "<html>sso</html>")));
    let (port, _) = app_server(move |_, _| ("302 Found", format!("location: http://127.0.0.2:{b_port}/login\r\n"), String::new()));
    let out = doctor_bounded(&["--url", &format!("http://127.0.0.1:{port}"), "--protected", "/dashboard", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_of(&out)["protected"][0]["requests"][0]["verdict"], "redirect");
    assert!(b_asked.lock().unwrap().is_empty());
}
