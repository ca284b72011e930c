//! Property tests over every rule at once: no input makes authfix panic, every fix output parses,
//! and a second pass changes nothing. Inputs are the rule fixtures, mutated (bytes removed,
//! lines duplicated or dropped, quotes and braces inserted, CRLF), arbitrary text placed at the
//! paths the rules look at, and `config.matcher` arrays built from regex-like fragments in a v5
//! proxy with an `authorized` callback and in v4 `withAuth` and `getToken` middleware. `PROPTEST_CASES` sets how many cases run (default 256); CI runs the
//! default, `PROPTEST_CASES=100000 cargo test -p authfix-transforms --test robustness --release`
//! runs a long campaign.
use authfix_transforms::engine::{self, Choice, FixOptions};
use authfix_transforms::{parse, rules, Project, ProjectFacts};
use proptest::prelude::*;
use std::path::Path;

fn fixtures() -> Vec<(ProjectFacts, Vec<(String, String)>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir() && !p.ends_with("snapshots")).collect();
    dirs.sort();
    for d in dirs {
        let mut cases: Vec<_> = std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().path()).collect();
        cases.sort();
        for c in cases {
            let text = std::fs::read_to_string(&c).unwrap();
            let mut facts = ProjectFacts { typescript: true, fresh_secret: Some("SECRET-FOR-ROBUSTNESS-TESTS".into()), ..Default::default() };
            let mut files: Vec<(String, String)> = Vec::new();
            for line in text.split_inclusive('\n') {
                if let Some(p) = line.strip_prefix("--- ") {
                    files.push((p.trim().into(), String::new()));
                } else if let Some((_, b)) = files.last_mut() {
                    b.push_str(line);
                } else if let Some(v) = line.strip_prefix("# auth:") {
                    facts.auth_major = v.trim().parse().ok();
                }
            }
            out.push((facts, files));
        }
    }
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    DeleteRange(usize, usize),
    DuplicateLine(usize),
    DropLine(usize),
    Insert(usize, &'static str),
    Crlf,
    Replace(String),
}

fn mutate(text: &str, m: &Mutation) -> String {
    let at = |i: usize| {
        if text.is_empty() {
            0
        } else {
            let mut i = i % (text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        }
    };
    match m {
        Mutation::DeleteRange(a, len) => {
            let s = at(*a);
            let mut e = (s + len % 40).min(text.len());
            while !text.is_char_boundary(e) {
                e -= 1;
            }
            format!("{}{}", &text[..s], &text[e..])
        }
        Mutation::DuplicateLine(i) | Mutation::DropLine(i) => {
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            if lines.is_empty() {
                return text.to_string();
            }
            let k = i % lines.len();
            let mut out = String::new();
            for (j, l) in lines.iter().enumerate() {
                if j != k || matches!(m, Mutation::DuplicateLine(_)) {
                    out.push_str(l);
                }
                if j == k && matches!(m, Mutation::DuplicateLine(_)) {
                    out.push_str(l);
                }
            }
            out
        }
        Mutation::Insert(i, s) => {
            let p = at(*i);
            format!("{}{}{}", &text[..p], s, &text[p..])
        }
        Mutation::Crlf => text.replace('\n', "\r\n"),
        Mutation::Replace(s) => s.clone(),
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::DeleteRange(a, b)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::DropLine),
        (
            any::<usize>(),
            prop::sample::select(vec![
                "{",
                "}",
                "(",
                ")",
                "\"",
                "'",
                "`",
                "/*",
                "//",
                "\n",
                "\r\n",
                ",",
                "<",
                "/>",
                "\u{feff}",
                "é",
                "\"use client\";\n",
                "useSession()",
                "getServerSession()",
                "process.env.NODE_ENV",
                "export default "
            ])
        )
            .prop_map(|(a, s)| Mutation::Insert(a, s)),
        Just(Mutation::Crlf),
        ".{0,200}".prop_map(Mutation::Replace),
    ]
}

fn check(facts: ProjectFacts, files: Vec<(String, String)>) -> Result<(), TestCaseError> {
    let rules = rules::all();
    let opts = FixOptions { unsafe_fixes: true };
    let mut p = Project::new(facts.clone());
    for (path, text) in &files {
        p.set_file(path.clone(), text.clone());
    }
    let (outcome, fixed) = engine::run(p, &rules, &opts, Choice::All);
    for (path, fr) in &outcome.changed {
        if parse::is_source_path(path) {
            prop_assert!(parse::parse(path, &fr.new).is_ok(), "fixed {} does not parse:\n{}", path, fr.new);
        }
    }
    prop_assert!(outcome.converged, "fixes did not converge");
    let (again, _) = engine::run(fixed, &rules, &opts, Choice::All);
    prop_assert!(
        again.changed.is_empty() && again.deleted.is_empty(),
        "second pass changed {:?} {:?}",
        again.changed.keys().collect::<Vec<_>>(),
        again.deleted.keys().collect::<Vec<_>>()
    );
    Ok(())
}

fn run_on_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(256 << 20).spawn(f).unwrap().join().unwrap();
}

#[test]
fn every_fixture_as_is_converges() {
    run_on_big_stack(|| {
        for (facts, files) in fixtures() {
            check(facts, files).unwrap();
        }
    });
}

#[test]
fn mutated_fixtures_never_panic_and_converge() {
    run_on_big_stack(|| {
        let all = fixtures();
        let n = all.len();
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() });
        runner
            .run(&(0..n, any::<usize>(), prop::collection::vec(mutation(), 1..4)), |(i, fi, muts)| {
                let (facts, mut files) = all[i].clone();
                if files.is_empty() {
                    return Ok(());
                }
                let k = fi % files.len();
                for m in &muts {
                    files[k].1 = mutate(&files[k].1, m);
                }
                check(facts, files)
            })
            .unwrap();
    });
}

/// The pieces a matcher source is made of, regex syntax first: path-to-regexp and JavaScript
/// regex syntax errors, lookaheads, nested repetitions (the costly shapes), named parameters.
const MATCHER_FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "(?!",
    "(?:",
    "(?=",
    "(?<=",
    ".*",
    ".",
    "*",
    "+",
    "?",
    "{",
    "}",
    "{1,}",
    "{2,1}",
    "|",
    "\\",
    "\\.",
    "\\d",
    "[",
    "]",
    "[^/]",
    ":name",
    ":path*",
    "/",
    "api",
    "auth",
    "api/auth",
    "_next",
    "static",
    "image",
    "favicon.ico",
    "zz",
    "a",
    "é",
    "\n",
];

/// A well-formed regex from matcher-like pieces, nested: lookaheads, groups, alternations and
/// repetitions of them (so also the shapes that are costly to backtrack through).
fn regex_part() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec!["api", "auth", "api/auth", "_next/static", "_next", "favicon.ico", "a", "zz", ".", ".*", "[^/]", "\\.", "\\d", "/"])
        .prop_map(String::from);
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}|{b}")),
            inner.clone().prop_map(|a| format!("(?:{a})")),
            inner.clone().prop_map(|a| format!("(?!{a})")),
            inner.clone().prop_map(|a| format!("(?={a})")),
            (inner, prop::sample::select(vec!["*", "+", "?", "{1,}", "*?"])).prop_map(|(a, q)| format!("(?:{a}){q}")),
        ]
    })
}

/// A `config.matcher` array of regex-like sources, as JavaScript source text: fragments strung
/// at random (mostly syntax errors), well-formed regex parameters, lookahead matchers, matchers
/// exponential to backtrack through, named parameters.
fn matcher_array() -> impl Strategy<Value = String> {
    let source = prop_oneof![
        prop::collection::vec(prop::sample::select(MATCHER_FRAGMENTS), 0..14).prop_map(|f| format!("/{}", f.concat())),
        regex_part().prop_map(|r| format!("/({r})")),
        regex_part().prop_map(|r| format!("/((?!{r}).*)")),
        regex_part().prop_map(|r| format!("/((?:(?!{r})[^z]|.)*zz)")),
        (prop::sample::select(vec!["/", "/dashboard/", "/api/", "/:locale/"]), prop::sample::select(vec![":path*", ":id", ":slug?", ":p+", "(.*)", "{:x}?"]))
            .prop_map(|(a, b)| format!("{a}{b}")),
    ];
    prop::collection::vec(source, 1..5).prop_map(|sources| {
        let lits: Vec<String> = sources.iter().map(|s| serde_json::to_string(s).unwrap()).collect();
        format!("[{}]", lits.join(", "))
    })
}

const V5_AUTH: &str =
    "import NextAuth from \"next-auth\";\nimport { authConfig } from \"./auth.config\";\n\nexport const { handlers, auth } = NextAuth(authConfig);\n";
const V5_AUTH_CONFIG: &str = "import type { NextAuthConfig } from \"next-auth\";\n\nexport const authConfig = {\n  callbacks: {\n    authorized({ auth }) {\n      return !!auth?.user;\n    },\n  },\n  providers: [],\n} satisfies NextAuthConfig;\n";

/// A project whose middleware runs a sign-in check on what `matcher` lets in: a v5 proxy with an
/// `authorized` callback, a v4 `withAuth` middleware, or a v4 `getToken` one.
fn matcher_project(kind: usize, matcher: &str) -> (ProjectFacts, Vec<(String, String)>) {
    let mut facts = ProjectFacts { typescript: true, fresh_secret: Some("SECRET-FOR-ROBUSTNESS-TESTS".into()), ..Default::default() };
    let page = ("app/page.tsx".to_string(), "export default function Page() {\n  return <p>home</p>;\n}\n".to_string());
    let config = format!("\nexport const config = {{\n  matcher: {matcher},\n}};\n");
    let files = match kind {
        0 => {
            facts.auth_major = Some(5);
            facts.next_version = Some((16, 0, 1));
            vec![
                ("proxy.ts".into(), format!("import {{ auth }} from \"./auth\";\n\nexport default auth;\n{config}")),
                ("auth.ts".into(), V5_AUTH.into()),
                ("auth.config.ts".into(), V5_AUTH_CONFIG.into()),
                page,
            ]
        }
        1 => {
            facts.auth_major = Some(4);
            facts.next_version = Some((15, 1, 0));
            vec![("middleware.ts".into(), format!("export {{ default }} from \"next-auth/middleware\";\n{config}")), page]
        }
        _ => {
            facts.auth_major = Some(4);
            facts.next_version = Some((15, 1, 0));
            let mw = "import { NextResponse, type NextRequest } from \"next/server\";\nimport { getToken } from \"next-auth/jwt\";\n\nexport async function middleware(req: NextRequest) {\n  const token = await getToken({ req });\n  if (!token) {\n    return NextResponse.redirect(new URL(\"/api/auth/signin\", req.url));\n  }\n  return NextResponse.next();\n}\n";
            vec![("middleware.ts".into(), format!("{mw}{config}")), page]
        }
    };
    (facts, files)
}

#[test]
fn regex_like_matchers_never_panic_and_converge() {
    run_on_big_stack(|| {
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() });
        runner
            .run(&(0..3usize, matcher_array()), |(kind, matcher)| {
                let (facts, files) = matcher_project(kind, &matcher);
                check(facts, files)
            })
            .unwrap();
    });
}

#[test]
fn deep_nesting_does_not_overflow() {
    run_on_big_stack(|| {
        let deep = format!("export const x = {}1{};\n", "(".repeat(3000), ")".repeat(3000));
        let facts = ProjectFacts { auth_major: Some(4), ..Default::default() };
        check(facts, vec![("app/layout.tsx".into(), deep.clone()), ("lib/auth.ts".into(), deep)]).unwrap();
    });
}
