//! `authfix migrate better-auth` end to end: the review flow (dry run, diff, --yes, the git guard),
//! masking, refusals that write nothing, a second run that changes nothing, and `--emit-sql`.
//! Projects come from the transforms crate's migrate fixtures (`transforms/tests/migrate`).
use std::fs;
use std::path::{Path, PathBuf};

mod common;
use common::{authfix, git, tree};

/// Write a fixture's `--- path` sections into a temp folder.
fn project(case: &str) -> (tempfile::TempDir, PathBuf) {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("transforms/tests/migrate/{case}.input.txt"))).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("app");
    let mut current: Option<(PathBuf, String)> = None;
    let flush = |c: &mut Option<(PathBuf, String)>| {
        if let Some((p, body)) = c.take() {
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, body).unwrap();
        }
    };
    let mut typescript = true;
    let mut alias: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        if current.is_none() {
            if let Some(v) = line.strip_prefix("# typescript:") {
                typescript = v.trim() == "true";
            }
            if let Some((a, t)) = line.strip_prefix("# alias:").and_then(|v| v.split_once("->")) {
                alias = Some((a.trim().to_string(), t.trim().to_string()));
            }
        }
        if let Some(p) = line.strip_prefix("--- ") {
            flush(&mut current);
            current = Some((root.join(p.trim()), String::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
        }
    }
    flush(&mut current);
    // The fixture harness's facts (TypeScript unless `# typescript: false`, the alias) as files.
    if typescript {
        let paths = alias.map(|(a, t)| format!(", \"paths\": {{ \"{a}*\": [\"./{t}*\"] }}")).unwrap_or_default();
        fs::write(root.join("tsconfig.json"), format!("{{ \"compilerOptions\": {{ \"strict\": true{paths} }} }}\n")).unwrap();
    }
    (tmp, root)
}

fn committed(case: &str) -> (tempfile::TempDir, PathBuf) {
    let (t, dir) = project(case);
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "init"]);
    (t, dir)
}

/// The expected text of one file from the fixture's `.output.txt`.
fn expected(case: &str, file: &str) -> String {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("transforms/tests/migrate/{case}.output.txt"))).unwrap();
    let start = text.find(&format!("--- {file}\n")).unwrap_or_else(|| panic!("{file} not in {case}.output.txt")) + file.len() + 5;
    let end = [text[start..].find("\n--- "), text[start..].find("\n=== ")].into_iter().flatten().min().unwrap();
    text[start..start + end + 1].to_string()
}

const V4_SECRET: &str = "v4-secret-value-0123456789";

#[test]
fn dry_run_reports_masks_and_writes_nothing() {
    let (_t, dir) = committed("v4_pg_app");
    let before = tree(&dir);
    let out = authfix().args(["migrate", "better-auth", "--dry-run"]).arg(&dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    for section in ["What changes", "Needs a human", "To finish", "--emit-sql postgres", "+++ b/lib/auth-client.ts", "BETTER_AUTH_SECRET=\"***\""] {
        assert!(stdout.contains(section), "missing `{section}`:\n{stdout}");
    }
    assert!(!stdout.contains(V4_SECRET) && !String::from_utf8_lossy(&out.stderr).contains(V4_SECRET), "the secret was printed");
    assert_eq!(tree(&dir), before, "a dry run wrote something");
}

#[test]
fn yes_applies_the_migration_and_a_second_run_changes_nothing() {
    let (_t, dir) = committed("v4_pg_app");
    let out = authfix().args(["migrate", "better-auth", "--yes"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    for f in ["lib/auth.ts", "lib/auth-client.ts", "app/api/auth/[...all]/route.ts", "app/layout.tsx", "proxy.ts"] {
        assert_eq!(fs::read_to_string(dir.join(f)).unwrap(), expected("v4_pg_app", f), "{f}");
    }
    assert!(!dir.join("app/api/auth/[...nextauth]/route.ts").exists() && !dir.join("components/AuthProvider.tsx").exists());
    let env = fs::read_to_string(dir.join(".env.local")).unwrap();
    assert!(env.starts_with(&format!("BETTER_AUTH_SECRET=\"{V4_SECRET}\"\nBETTER_AUTH_URL=")), "{env}");
    // package.json: edited through the CST, the rest of the file as it was.
    let pkg = fs::read_to_string(dir.join("package.json")).unwrap();
    assert_eq!(
        pkg,
        "{\n  \"name\": \"v4-app\",\n  \"private\": true,\n  \"dependencies\": {\n    \"bcryptjs\": \"3.0.3\",\n    \"better-auth\": \"~1.7.25\",\n    \"next\": \"16.4.6\",\n    \"pg\": \"8.23.1\"\n  }\n}\n"
    );
    // The report's command for the data runs as printed: the SQL from the last commit's code.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let cmd = stdout
        .lines()
        .find_map(|l| l.split_once("(the last commit): `").map(|(_, c)| c.trim_end_matches('`').to_string()))
        .unwrap_or_else(|| panic!("{stdout}"));
    let before = tempfile::tempdir().unwrap();
    let wt = before.path().join("authjs-before");
    let cmd = cmd.replace("/tmp/authjs-before", &wt.to_string_lossy()).replace("authfix migrate", &format!("{} migrate", env!("CARGO_BIN_EXE_authfix")));
    let ran = std::process::Command::new("bash").arg("-c").arg(&cmd).current_dir(&dir).output().unwrap();
    assert!(ran.status.success(), "{cmd}: {}", String::from_utf8_lossy(&ran.stderr));
    let sql = fs::read_to_string(dir.join("better-auth.sql")).unwrap();
    assert!(sql.starts_with("-- authfix migrate better-auth") && sql.contains("FROM \"users\" src"), "{sql}");
    assert!(!wt.exists(), "the worktree was not removed");
    fs::remove_file(dir.join("better-auth.sql")).unwrap();
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "migrated"]);
    let after = tree(&dir);
    let again = authfix().args(["migrate", "better-auth", "--yes"]).arg(&dir).output().unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to do"), "{}", String::from_utf8_lossy(&again.stdout));
    assert_eq!(tree(&dir), after, "the second run changed files");
}

#[test]
fn the_git_guard_refuses_a_dirty_tree() {
    let (_t, dir) = committed("v4_pg_app");
    fs::write(dir.join("lib/auth.ts"), fs::read_to_string(dir.join("lib/auth.ts")).unwrap() + "// local edit\n").unwrap();
    let before = tree(&dir);
    let out = authfix().args(["migrate", "better-auth", "--yes"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to write"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(tree(&dir), before);
}

#[test]
fn diff_is_a_patch_without_secrets() {
    let (_t, dir) = committed("v5_pg_src_app");
    let out = authfix().args(["migrate", "better-auth", "--diff"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let patch = String::from_utf8_lossy(&out.stdout);
    assert!(patch.contains("+++ b/src/lib/auth.ts") && patch.contains("--- a/src/auth.ts"), "{patch}");
    assert!(!patch.contains("What changes"), "--diff prints the patch only");
    assert!(!patch.contains("v5-secret-value-abcdefghij"));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".env.local is left out of the diff because it holds a secret"));
}

#[test]
fn refusals_say_why_and_write_nothing() {
    for (case, says) in
        [("refuse_not_authjs", "not an Auth.js project"), ("refuse_half_migrated", "half-migrated"), ("refuse_function_config", "function of the request")]
    {
        let (_t, dir) = committed(case);
        let before = tree(&dir);
        let out = authfix().args(["migrate", "better-auth", "--yes"]).arg(&dir).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{case}: {err}");
        assert!(err.contains(says) && err.contains("nothing written"), "{case}: {err}");
        assert_eq!(tree(&dir), before, "{case}: something was written");
    }
}

#[test]
fn emit_sql_prints_and_writes_nothing() {
    let (_t, dir) = committed("v5_prisma_split_config");
    let before = tree(&dir);
    let out = authfix().args(["migrate", "better-auth", "--emit-sql", "postgres"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let sql = String::from_utf8_lossy(&out.stdout);
    assert!(sql.starts_with("-- authfix migrate better-auth"), "{sql}");
    assert!(sql.contains("FROM \"users\" src") && sql.contains("src.\"provider_account_id\""), "the Prisma @@map/@map names:\n{sql}");
    assert_eq!(tree(&dir), before);
    // No adapter: no data to move.
    let (_t2, dir2) = committed("v4_no_adapter_social");
    let out = authfix().args(["migrate", "better-auth", "--emit-sql", "sqlite"]).arg(&dir2).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no data to move: the Auth.js setup has no adapter"));
    // Already migrated: the adapter can no longer be read.
    let (_t3, dir3) = committed("already_migrated");
    let out = authfix().args(["migrate", "better-auth", "--emit-sql", "postgres"]).arg(&dir3).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("run --emit-sql on the code before the migration"));
}

#[test]
fn type_augmentations_of_next_auth_go_and_other_declarations_stay() {
    // v5: a file that only augments next-auth is deleted.
    let (_t, dir) = committed("v5_pg_src_app");
    let out = authfix().args(["migrate", "better-auth", "--yes"]).arg(&dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(!dir.join("src/types/next-auth.d.ts").exists(), "the augmentation file is still there");
    assert!(stdout.contains("src/types/next-auth.d.ts: removed: it only augmented next-auth's types"), "{stdout}");

    // v4: next-auth's block goes from a file with other declarations, which stays a module; its
    // BOM and CRLF survive. A declaration file without next-auth, and one under node_modules, are
    // not touched.
    let (_t, dir) = project("v4_middleware_pages_guarded");
    let globals = dir.join("types/globals.d.ts");
    let lf = fs::read_to_string(&globals).unwrap();
    fs::write(&globals, format!("\u{feff}{}", lf.replace('\n', "\r\n"))).unwrap();
    let vendored = dir.join("node_modules/@types/vendored/index.d.ts");
    fs::create_dir_all(vendored.parent().unwrap()).unwrap();
    fs::write(&vendored, "declare module \"next-auth\" {\n  interface Session { tenant: string }\n}\n").unwrap();
    fs::write(dir.join(".gitignore"), "node_modules/\n").unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "init"]);
    let assets = fs::read(dir.join("types/assets.d.ts")).unwrap();
    let out = authfix().args(["migrate", "better-auth", "--yes"]).arg(&dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let want = expected("v4_middleware_pages_guarded", "types/globals.d.ts");
    assert!(want.contains("declare global") && want.ends_with("export {};\n") && !want.contains("next-auth"), "{want}");
    assert_eq!(fs::read_to_string(&globals).unwrap(), format!("\u{feff}{}", want.replace('\n', "\r\n")));
    assert!(stdout.contains("it added `role` to next-auth's types"), "{stdout}");
    assert_eq!(fs::read(dir.join("types/assets.d.ts")).unwrap(), assets);
    assert!(fs::read_to_string(&vendored).unwrap().contains("tenant"));
    assert!(!stdout.contains("node_modules"), "{stdout}");

    // One whose other declarations use a type from next-auth: left alone, the report says why.
    let (_t, dir) = committed("v5_prisma_split_config");
    let before = fs::read(dir.join("next-auth.d.ts")).unwrap();
    let out = authfix().args(["migrate", "better-auth", "--yes"]).arg(&dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fs::read(dir.join("next-auth.d.ts")).unwrap(), before);
    assert!(stdout.contains("next-auth.d.ts: its other declarations use `User` from next-auth"), "{stdout}");
}
