//! `authfix check`, the output formats, inline suppressions and `authfix.toml`.
use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

fn example(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dst = tmp.path().join(name);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name), &dst);
    (tmp, dst)
}

fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for e in fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            fs::copy(e.path(), &to).unwrap();
        }
    }
}

fn authfix(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("authfix").unwrap().env("NO_COLOR", "1").args(args).arg(dir).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// The same fixture and rule selection for every format, so the snapshots line up.
const SEL: &[&str] = &["--select", "P001,S001,S002,C001"];

fn check(format: &str) -> (i32, String) {
    let (_t, dir) = example("broken-v4");
    let mut args = vec!["check", "--format", format];
    args.extend_from_slice(SEL);
    let (code, out, _) = authfix(&dir, &args);
    (code, out)
}

#[test]
fn human_format() {
    let (code, out) = check("human");
    assert_eq!(code, 1, "error-level findings remain");
    assert!(!out.contains("@@"), "check shows no diffs");
    insta::assert_snapshot!("check_human", out);
}

#[test]
fn json_format_follows_the_documented_schema() {
    let (code, out) = check("json");
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema_version"], 1);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 4);
    for f in findings {
        for key in ["code", "name", "severity", "file", "range", "message", "status", "fix"] {
            assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
        }
        assert!(f["range"]["start"]["line"].as_u64().unwrap() >= 1);
    }
    let s001 = findings.iter().find(|f| f["code"] == "S001").unwrap();
    assert_eq!(s001["file"], "app/dashboard/page.tsx");
    assert_eq!(s001["range"]["start"], serde_json::json!({"line": 5, "column": 25}));
    let c001 = findings.iter().find(|f| f["code"] == "C001").unwrap();
    assert_eq!(c001["fix"]["safety"], "safe");
    assert_eq!(c001["fix"]["edits"][0]["kind"], "edit");
    insta::assert_snapshot!("check_json", out);
}

#[test]
fn sarif_has_every_required_field() {
    let (_, out) = check("sarif");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // Required by the SARIF 2.1.0 schema: version, runs[].tool.driver.name, results[].message.
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "authfix");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        assert!(rules.contains(&id));
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize], id);
        assert!(["error", "warning", "note", "none"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(!loc["artifactLocation"]["uri"].as_str().unwrap().starts_with('/'), "relative URIs for code scanning");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(rule["shortDescription"]["text"].is_string());
    }
}

#[test]
fn github_workflow_commands() {
    let (_, out) = check("github");
    assert_eq!(out.lines().count(), 4);
    assert!(out.lines().all(|l| l.starts_with("::error file=")));
    assert!(out.contains("::error file=app/dashboard/page.tsx,line=5,col=25,"));
    insta::assert_snapshot!("check_github", out);
}

#[test]
fn fix_dry_run_json_includes_statuses_and_exit_code() {
    let (_t, dir) = example("broken-v4");
    let mut args = vec!["fix", "--dry-run", "--format", "json"];
    args.extend_from_slice(SEL);
    let (code, out, _) = authfix(&dir, &args);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["findings"].as_array().unwrap().iter().all(|f| f["status"] == "fixed"), "{out}");
    let (code, _, err) = authfix(&dir, &["fix", "--format", "json"]);
    assert_eq!(code, 2, "--format needs --dry-run: {err}");
}

#[test]
fn clean_project_exits_0() {
    let (_t, dir) = example("broken-v4");
    let (code, out, _) = authfix(&dir, &["check", "--select", "P002"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 error(s)"));
}

#[test]
fn suppression_comments() {
    let (_t, dir) = example("broken-v4");
    let route = dir.join("app/api/auth/[...nextauth]/route.ts");
    let text = fs::read_to_string(&route).unwrap();
    fs::write(&route, text.replace("  // Use secure cookies in production\n", "  // authfix-ignore C001: TLS is terminated by our proxy\n")).unwrap();
    let (_, out, _) = authfix(&dir, &["check", "--format", "json", "--select", "C001"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "suppressed: {out}");
    // A suppression that suppresses nothing is reported.
    let page = dir.join("app/dashboard/page.tsx");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, format!("// authfix-ignore C001: stale\n{text}")).unwrap();
    let codes = |args: &[&str]| -> Vec<String> {
        let (code, out, err) = authfix(&dir, args);
        assert!(code != 2, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(codes(&["check", "--format", "json", "--select", "C001,A001"]), vec!["A001"]);
    // A001 is a rule like the others: selected by default, ignorable, and it judges
    // suppressions only for the rules that ran (C001 did not run under `--select S001`).
    assert!(codes(&["check", "--format", "json"]).contains(&"A001".to_string()));
    assert!(!codes(&["check", "--format", "json", "--ignore", "A001"]).contains(&"A001".to_string()));
    assert!(!codes(&["check", "--format", "json", "--select", "S001,A001"]).contains(&"A001".to_string()));
    // The finding points at the comment itself, from its first `/`.
    let (_, out, _) = authfix(&dir, &["check", "--format", "json", "--select", "C001,A001"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["findings"][0]["range"]["start"]["column"], 1, "{out}");
    // `fix` deletes it.
    let (_, diff, err) = authfix(&dir, &["fix", "--diff", "--select", "C001,A001"]);
    assert!(diff.contains("-// authfix-ignore C001: stale"), "{diff}\n{err}");
}

#[test]
fn rules_lists_every_code_and_explain_knows_them() {
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("authfix").unwrap().env("NO_COLOR", "1").args(args).output().unwrap();
        (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    let (code, out, _) = run(&["rules"]);
    assert_eq!(code, 0);
    for c in ["P001", "U003", "A001", "D001", "D010"] {
        assert!(out.lines().any(|l| l.starts_with(c)), "{c} missing from `authfix rules`:\n{out}");
    }
    for c in ["A001", "unused-suppression", "D002", "C003"] {
        let (code, out, err) = run(&["explain", c]);
        assert_eq!(code, 0, "{c}: {err}");
        assert!(out.starts_with("# "), "{out}");
    }
    // C003 emits safe and unsafe fixes, and says so.
    let (_, out, _) = run(&["explain", "C003"]);
    assert!(out.contains("Fix: safe/unsafe."), "{out}");
}

#[test]
fn config_file_selects_ignores_and_sets_severity() {
    let (_t, dir) = example("broken-v4");
    fs::write(dir.join("authfix.toml"), "[rules]\nselect = [\"S\", \"C001\"]\nignore = [\"S002\"]\n[rules.severity]\nC001 = \"warning\"\n").unwrap();
    let (_, out, _) = authfix(&dir, &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let got: Vec<(String, String)> =
        v["findings"].as_array().unwrap().iter().map(|f| (f["code"].as_str().unwrap().to_string(), f["severity"].as_str().unwrap().to_string())).collect();
    assert_eq!(got, vec![("C001".to_string(), "warning".to_string()), ("S001".to_string(), "error".to_string())]);
    // The command line replaces the file's selection.
    let (_, out, _) = authfix(&dir, &["check", "--format", "json", "--select", "P001"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(v["findings"][0]["code"], "P001");
    // Only warnings left: exit 0.
    let (code, _, _) = authfix(&dir, &["check", "--select", "C001"]);
    assert_eq!(code, 0);
    // A config found upward from PATH (at the monorepo root, PATH one app).
    fs::rename(dir.join("authfix.toml"), dir.parent().unwrap().join("authfix.toml")).unwrap();
    let (_, out, _) = authfix(&dir, &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 2, "{out}");
    fs::remove_file(dir.parent().unwrap().join("authfix.toml")).unwrap();
    // Mistakes in the file are usage errors.
    fs::write(dir.join("authfix.toml"), "[rules]\nselect = [\"Z9\"]\n").unwrap();
    let (code, _, err) = authfix(&dir, &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule"), "{err}");
}

#[test]
fn e002_trusts_gits_answer_about_a_monorepo_root_gitignore() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let app = root.join("apps/web");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken-v5-src"), &app);
    fs::write(app.join(".env.local"), "AUTH_SECRET=local-secret-value-123\n").unwrap();
    fs::write(root.join(".gitignore"), "node_modules/\n.env*.local\n").unwrap();
    // Outside a git work tree only the app's own .gitignore counts: reported.
    let (_, out, _) = authfix(&app, &["check", "--format", "json", "--select", "E002"]);
    assert!(out.contains("\"E002\""), "{out}");
    // In a git work tree, git says the root .gitignore covers it: nothing to report.
    let git = |args: &[&str]| assert!(std::process::Command::new("git").arg("-C").arg(root).args(args).output().unwrap().status.success());
    git(&["init", "-q"]);
    let (_, out, _) = authfix(&app, &["check", "--format", "json", "--select", "E002"]);
    assert!(!out.contains("\"E002\""), "{out}");
    // And when nothing ignores it, it is reported in a work tree too.
    fs::write(root.join(".gitignore"), "node_modules/\n").unwrap();
    let (_, out, _) = authfix(&app, &["check", "--format", "json", "--select", "E002"]);
    assert!(out.contains("\"E002\""), "{out}");
}

/// A v4 route with a literal secret on the same line as the C001 finding, before it.
fn secret_before_finding() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir_all(dir.join("app/api/auth/[...nextauth]")).unwrap();
    fs::write(dir.join("package.json"), r#"{ "dependencies": { "next": "16.4.6", "next-auth": "4.24.15" } }"#).unwrap();
    fs::write(
        dir.join("app/api/auth/[...nextauth]/route.ts"),
        "import NextAuth from \"next-auth\";\n\nconst handler = NextAuth({\n  providers: [],\n\tsecret: \"lit3ral-secret-in-config\", useSecureCookies: process.env.NODE_ENV === \"production\",\n});\nexport { handler as GET, handler as POST };\n",
    )
    .unwrap();
    tmp
}

#[test]
fn frame_caret_points_at_the_finding_after_masking() {
    let tmp = secret_before_finding();
    let (code, out, _) = authfix(tmp.path(), &["check", "--select", "C001"]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("lit3ral"), "{out}");
    assert!(out.starts_with("app/api/auth/[...nextauth]/route.ts:5:38 error[C001] "), "the header keeps the position in the file:\n{out}");
    let lines: Vec<&str> = out.lines().collect();
    let src = lines.iter().position(|l| l.starts_with("5 | ")).unwrap_or_else(|| panic!("{out}"));
    // The tab is shown as four spaces, the secret as ***.
    assert_eq!(lines[src], "5 |     secret: \"***\", useSecureCookies: process.env.NODE_ENV === \"production\",");
    let caret = lines[src + 1];
    let col = caret.find('^').unwrap();
    let n = caret.matches('^').count();
    assert_eq!(&lines[src][col..col + n], "useSecureCookies: process.env.NODE_ENV === \"production\"", "{out}");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let tmp = secret_before_finding();
    let run = |args: &[&str], no_color: bool| {
        let mut c = Command::cargo_bin("authfix").unwrap();
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        String::from_utf8(c.env_remove("CLICOLOR_FORCE").args(args).arg(tmp.path()).output().unwrap().stdout).unwrap()
    };
    let sel = ["--select", "C001"];
    let piped = run(&["check", sel[0], sel[1]], false);
    let never = run(&["--color", "never", "check", sel[0], sel[1]], false);
    let no_color = run(&["check", sel[0], sel[1]], true);
    let always = run(&["--color", "always", "check", sel[0], sel[1]], false);
    for out in [&piped, &never, &no_color] {
        assert!(!out.contains('\x1b'), "plain when piped, with --color never or NO_COLOR:\n{out}");
        assert!(out.contains(" | ") && out.contains('^'), "{out}");
    }
    assert_eq!(piped, never);
    assert_eq!(piped, no_color);
    // The frame itself is coloured (the caret line starts with an escape after the margin).
    let caret = always.lines().find(|l| l.contains('^')).unwrap();
    assert!(caret.contains("\x1b["), "{always:?}");
    assert_eq!(anstream::adapter::strip_str(&always).to_string(), piped, "colours are the only difference");
    assert!(!always.contains("lit3ral"));
}

/// Issue 13: versions from the workspace root's lockfile (not the app's range), the V rules on
/// them, and the app's package.json edited (never the lockfile) by `fix --unsafe`.
#[test]
fn versions_come_from_the_workspace_root_lockfile() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let app = root.join("apps/web");
    fs::create_dir_all(app.join("app/dashboard")).unwrap();
    fs::write(root.join("package.json"), r#"{ "private": true, "workspaces": ["apps/*"] }"#).unwrap();
    let lock = "lockfileVersion: '9.0'\n\nimporters:\n\n  apps/web:\n    dependencies:\n      next-auth:\n        specifier: ^5.0.0-beta.25\n        version: 5.0.0-beta.25(next@16.1.0)\n\npackages:\n\n  next-auth@5.0.0-beta.25:\n    resolution: {}\n\n  next@16.1.0:\n    resolution: {}\n";
    fs::write(root.join("pnpm-lock.yaml"), lock).unwrap();
    fs::write(app.join("package.json"), "{\n  \"dependencies\": {\n    \"next\": \"16.1.0\",\n    \"next-auth\": \"^5.0.0-beta.25\"\n  }\n}\n").unwrap();
    fs::write(app.join("auth.ts"), "import NextAuth from \"next-auth\";\nexport const { handlers, auth } = NextAuth({ providers: [] });\n").unwrap();
    fs::write(app.join(".env.local"), "AUTH_SECRET=0123456789abcdef0123456789abcdef\n").unwrap();
    fs::write(app.join("app/dashboard/page.tsx"), "import { auth } from \"../../auth\";\nexport default async function D() {\n  const session = await auth();\n  if (!session) return null;\n  return <p>hi</p>;\n}\n").unwrap();
    let (code, out, err) = authfix(root, &["check", "--format", "json", "--select", "V001,V002,S011"]);
    assert_eq!(code, 1, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let mut codes: Vec<&str> = findings.iter().map(|f| f["code"].as_str().unwrap()).collect();
    codes.sort();
    assert_eq!(codes, ["S011", "V001", "V002"], "{out}");
    let v001 = &findings.iter().find(|f| f["code"] == "V001").unwrap()["message"];
    assert!(v001.as_str().unwrap().contains("5.0.0-beta.25 (resolved in `../../pnpm-lock.yaml`)"), "{v001}");
    // Without the workspace lockfile the range admits the fixed release: nothing to say.
    fs::rename(root.join("pnpm-lock.yaml"), root.join("lock.bak")).unwrap();
    let (code, out, _) = authfix(root, &["check", "--format", "json", "--select", "V001,V002,S011"]);
    assert_eq!(code, 0, "{out}");
    fs::rename(root.join("lock.bak"), root.join("pnpm-lock.yaml")).unwrap();
    // The fix raises the app's range and leaves the lockfile alone.
    let (code, out, err) = authfix(root, &["fix", "--unsafe", "--yes", "--allow-dirty", "--select", "V001"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(fs::read_to_string(app.join("package.json")).unwrap().contains("\"next-auth\": \"^5.0.0-beta.32\""));
    assert_eq!(fs::read_to_string(root.join("pnpm-lock.yaml")).unwrap(), lock);
}
