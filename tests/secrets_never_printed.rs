//! No output mode ever prints a secret: every format of `check`, `fix --dry-run`, `--diff`, and
//! `--yes` are scanned for the committed secrets and for the fresh one `fix` writes.
use assert_cmd::Command;
use std::fs;
use std::path::Path;

const COMMITTED: &[&str] = &["lit3ral-secret-in-config", "env-file-secret-value-42", "workflow-secret-xyz789", "clientsecretvalue77"];

fn project(dir: &Path) {
    fs::create_dir_all(dir.join("app/api/auth/[...nextauth]")).unwrap();
    fs::create_dir_all(dir.join(".github/workflows")).unwrap();
    fs::write(dir.join("package.json"), r#"{ "dependencies": { "next": "16.4.6", "next-auth": "4.24.15" } }"#).unwrap();
    fs::write(dir.join("lib.ts"), "").unwrap();
    fs::write(
        dir.join("app/api/auth/[...nextauth]/route.ts"),
        "import NextAuth from \"next-auth\";\nimport GitHub from \"next-auth/providers/github\";\n\nexport const authOptions = {\n  providers: [GitHub({ clientId: \"abc\", clientSecret: \"clientsecretvalue77\" })],\n  secret: \"lit3ral-secret-in-config\",\n  useSecureCookies: process.env.NODE_ENV === \"production\",\n};\n\nconst handler = NextAuth(authOptions);\nexport { handler as GET, handler as POST };\n",
    )
    .unwrap();
    fs::write(dir.join(".env"), "NEXTAUTH_URL=http://localhost:3000\nNEXTAUTH_SECRET=env-file-secret-value-42\n").unwrap();
    fs::write(
        dir.join(".github/workflows/deploy.yml"),
        "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: NEXTAUTH_SECRET=workflow-secret-xyz789 npm run build\n",
    )
    .unwrap();
}

fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("authfix").unwrap().env("NO_COLOR", "1").args(args).arg(dir).output().unwrap();
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn no_output_mode_prints_a_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    project(&dir);
    let mut outputs = Vec::new();
    for format in ["human", "json", "sarif", "github"] {
        outputs.push((format!("check {format}"), run(&dir, &["check", "--format", format])));
        outputs.push((format!("fix --dry-run {format}"), run(&dir, &["fix", "--dry-run", "--unsafe", "--format", format])));
    }
    outputs.push(("fix --diff".into(), run(&dir, &["fix", "--diff", "--unsafe"])));
    outputs.push(("fix --yes".into(), run(&dir, &["fix", "--yes", "--unsafe"])));
    let fresh: Vec<String> = fs::read_to_string(dir.join(".env.local"))
        .map(|t| t.lines().filter_map(|l| l.split_once('=').map(|(_, v)| v.trim().to_string())).filter(|v| v.len() > 20).collect())
        .unwrap_or_default();
    assert!(!fresh.is_empty(), "fix --yes should have written a fresh secret to .env.local");
    let all: Vec<&str> = COMMITTED.iter().copied().chain(fresh.iter().map(|s| s.as_str())).collect();
    for (mode, out) in &outputs {
        assert!(out.len() > 50, "{mode} printed nothing:\n{out}");
        for s in &all {
            assert!(!out.contains(s), "{mode} printed the secret {s}:\n{out}");
        }
    }
    assert!(outputs.iter().any(|(_, o)| o.contains("***")), "masked values are shown as ***");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(dir.join(".env.local")).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

/// A tmux server of this test's own (its own socket), killed when the test ends however it ends.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new("tmux");
        c.args(["-L", &self.socket]);
        c
    }
    fn screen(&self) -> String {
        let out = self.cmd().args(["capture-pane", "-p", "-J", "-S", "-", "-t", "t"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").output();
    }
}

/// `fix -i` in a real pseudo-terminal, every prompt answered "yes": the whole screen (scrollback
/// included) shows no secret — not the committed ones, and not the fresh one it writes. (It used
/// to show the fresh secret: the preview was masked with another project's random secret.)
#[test]
fn interactive_mode_never_shows_a_secret() {
    assert!(std::process::Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success()), "tmux is needed for this test (.ci/run installs it)");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    project(&dir);
    let conf = tmp.path().join("tmux.conf");
    fs::write(&conf, "set -g history-limit 100000\n").unwrap();
    let tmux = Tmux { socket: format!("authfix-test-{}", std::process::id()) };
    let bin = assert_cmd::cargo::cargo_bin("authfix");
    let script = format!("NO_COLOR=1 '{}' fix -i --unsafe '{}'; echo AUTHFIX-EXIT=$?; sleep 60", bin.display(), dir.display());
    let started = tmux.cmd().arg("-f").arg(&conf).args(["new-session", "-d", "-s", "t", "-x", "200", "-y", "50", &script]).status().unwrap();
    assert!(started.success());
    let mut answered = 0;
    // Bounded: a hang shows up as a failure, not as a stuck test run.
    for _ in 0..600 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let screen = tmux.screen();
        if screen.contains("AUTHFIX-EXIT=") {
            break;
        }
        let prompt = screen.lines().rev().filter(|l| !l.trim().is_empty()).take(6).any(|l| l.contains("Apply this fix?"));
        if prompt {
            tmux.cmd().args(["send-keys", "-t", "t", "Enter"]).status().unwrap();
            answered += 1;
            std::thread::sleep(std::time::Duration::from_millis(150));
        }
    }
    let screen = tmux.screen();
    assert!(screen.contains("AUTHFIX-EXIT=0"), "fix -i did not finish cleanly ({answered} prompts answered):\n{screen}");
    assert!(answered >= 2, "expected several prompts, answered {answered}:\n{screen}");
    let fresh: Vec<String> = fs::read_to_string(dir.join(".env.local"))
        .map(|t| t.lines().filter_map(|l| l.split_once('=').map(|(_, v)| v.trim().to_string())).filter(|v| v.len() > 20).collect())
        .unwrap_or_default();
    assert!(!fresh.is_empty(), "answering yes should have written a fresh secret to .env.local:\n{screen}");
    for s in COMMITTED.iter().copied().chain(fresh.iter().map(|s| s.as_str())) {
        assert!(!screen.contains(s), "the screen shows the secret {s}:\n{screen}");
    }
    assert!(screen.contains("+NEXTAUTH_SECRET=***"), "the preview of .env.local shows the key, masked:\n{screen}");
}
