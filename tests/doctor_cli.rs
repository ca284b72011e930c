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
