//! What the costliest `config.matcher` inputs cost M001 (and every other rule) on one file: run
//! with `cargo run --release -p authfix-transforms --example matcher_cost`. Prints wall times;
//! the figures in `rules/matcher.rs` come from here. Not a test: speed is measured, not asserted.
use authfix_transforms::engine::{self, Choice, FixOptions};
use authfix_transforms::{rules, Project, ProjectFacts};
use std::time::Instant;

const AUTH: &str =
    "import NextAuth from \"next-auth\";\nimport { authConfig } from \"./auth.config\";\n\nexport const { handlers, auth } = NextAuth(authConfig);\n";
const AUTH_CONFIG: &str =
    "export const authConfig = {\n  callbacks: {\n    authorized({ auth }) {\n      return !!auth?.user;\n    },\n  },\n  providers: [],\n};\n";

fn run(name: &str, sources: &[String]) {
    let lits: Vec<String> = sources.iter().map(|s| serde_json::to_string(s).unwrap()).collect();
    let proxy = format!("import {{ auth }} from \"./auth\";\n\nexport default auth;\n\nexport const config = {{\n  matcher: [{}],\n}};\n", lits.join(", "));
    let facts = ProjectFacts { auth_major: Some(5), next_version: Some((16, 0, 1)), typescript: true, ..Default::default() };
    let mut best = f64::MAX;
    let mut found = String::new();
    for _ in 0..3 {
        let mut p = Project::new(facts.clone());
        p.set_file("proxy.ts".to_string(), proxy.clone());
        p.set_file("auth.ts".to_string(), AUTH.to_string());
        p.set_file("auth.config.ts".to_string(), AUTH_CONFIG.to_string());
        let t = Instant::now();
        let (outcome, _) = engine::run(p, &rules::all(), &FixOptions { unsafe_fixes: true }, Choice::All);
        best = best.min(t.elapsed().as_secs_f64());
        found = outcome.findings.iter().filter(|f| f.diagnostic.code == "M001").map(|f| f.diagnostic.severity.as_str()).collect::<Vec<_>>().join(",");
    }
    println!("{:>9.1} ms  {name} ({} entries, {} bytes of matcher; M001: {found})", best * 1000.0, sources.len(), proxy.len());
}

fn main() {
    // rules::matcher::MAX_ENTRIES and MAX_TOTAL_LEN (not public outside the crate).
    let (n, budget) = (32, 16 << 10);
    let pad = |s: &str, to: usize| format!("{s}{}", "a".repeat(to.saturating_sub(s.len())));
    run("the standard matcher", &["/((?!api/auth|_next/static|_next/image|favicon.ico).*)".to_string()]);
    // Exponential shapes: a lookahead inside nested repetition, each entry reaching the limit.
    let shapes = ["/((?:(?!zz)[^z]|.)*zz)", "/((?:(?=.)(?:.*)*)*zz)", "/((?!(?:(?=.).*)*zz).*)", "/((?:(?:(?!zz).)*(?:(?!zz).)*)*zz)"];
    for s in shapes {
        run(&format!("{n} x {s}"), &vec![s.to_string(); n]);
    }
    // The same with a long lookahead body that each backtracking step runs.
    for len in [budget / n, 4000] {
        let s = shapes[0].replacen("(?!zz)", &format!("(?!zz|{})", pad("", len - 30)), 1);
        let k = (budget / s.len()).min(n);
        run(&format!("{k} x {len}-byte lookahead in a repetition"), &vec![s; k]);
    }
    // Costs that grow with the path: for some k the probes stay just under the limit.
    for k in 1..=12 {
        let s = format!("/((?:(?!zz)[^z]{{0,{k}}}|.){{0,{k}}}zz)");
        run(&format!("{n} x {s}"), &vec![s; n]);
    }
    // Counted repetitions near the delegate size limit (compile cost).
    for s in ["/((?!(?:[^/]{1,30}){1,30}zz).*)", "/((?!(?:[^/]{1,60}){1,60}).*)", "/((?!(?:a{100}){100}).*)"] {
        run(&format!("{n} x {s}"), &vec![s.to_string(); n]);
    }
    // Long lookahead lists, caught and fixed (the fix compiles each alternative once).
    for (k, alts) in [(n, 7), (4, 60)] {
        let list: Vec<String> = (0..alts).map(|i| pad(&format!("p{i}x"), 64)).collect();
        run(&format!("{k} x {alts} alternatives of 64 bytes"), &vec![format!("/((?!{}).*)", list.join("|")); k]);
    }
    run("over the entry cap", &vec!["/((?:(?!zz)[^z]|.)*zz)".to_string(); n + 1]);
}
