//! `--protected PATH` (D011): paths signed-out visitors must not see. Each is asked without a
//! cookie, then — when that answer is a redirect or a 401/403 — with the request shapes of the
//! Next.js middleware/proxy bypass advisories that reproduce under `next start` (see
//! docs/doctor.md, "D011", for the advisories checked and the ones that could not be
//! reproduced). Pure: the shapes, the classifier of an answer and the finding; the requests are
//! made by [`super::examine`], on the origin given with `--url` only.
use serde::Serialize;

use super::checks::Target;
use super::findings::{Code, Finding};
use super::http::{Reply, Unreachable};

/// A Next.js advisory whose request shape doctor sends.
#[derive(Debug, PartialEq, Eq)]
pub struct Advisory {
    /// `CVE-… / GHSA-…`, as shown.
    pub id: &'static str,
    pub affected: &'static str,
    pub fixed: &'static str,
    pub url: &'static str,
}

/// CVE-2025-29927: middleware skipped when `x-middleware-subrequest` names it (Next 12–15).
pub const SUBREQUEST: Advisory = Advisory {
    id: "CVE-2025-29927 / GHSA-f82v-jwr5-mffw",
    affected: "12.0.0–12.3.4, 13.0.0–13.5.8, 14.0.0–14.2.24, 15.0.0–15.2.2",
    fixed: "12.3.5, 13.5.9, 14.2.25, 15.2.3",
    url: "https://github.com/vercel/next.js/security/advisories/GHSA-f82v-jwr5-mffw",
};

/// CVE-2026-44573: Pages Router with i18n, the locale-less `/_next/data/<build>/<page>.json`
/// route is not matched by the middleware.
pub const NEXT_DATA_I18N: Advisory = Advisory {
    id: "CVE-2026-44573 / GHSA-36qx-fr4f-26g5",
    affected: "12.2.0–15.5.15, 16.0.0–16.2.4 (Pages Router with `i18n`)",
    fixed: "15.5.16, 16.2.5",
    url: "https://github.com/vercel/next.js/security/advisories/GHSA-36qx-fr4f-26g5",
};

/// The middleware's name, five times (Next 15 skips it once its name appears five times —
/// verified on 15.2.2; earlier majors at fewer, per the advisory's write-ups), for
/// `middleware.ts` at the root and under `src/`.
pub const SUBREQUEST_VALUE: &str =
    "middleware:middleware:middleware:middleware:middleware:src/middleware:src/middleware:src/middleware:src/middleware:src/middleware";

/// How a protected path is asked.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// A plain GET without a cookie, as any signed-out visitor.
    NoCookie,
    /// The same GET with `x-middleware-subrequest: middleware:…` ([`SUBREQUEST`]).
    MiddlewareSubrequest,
    /// `GET /_next/data/<build id><path>.json`, no locale ([`NEXT_DATA_I18N`]).
    NextDataLocaleLess,
}

impl Shape {
    pub fn advisory(self) -> Option<&'static Advisory> {
        match self {
            Shape::NoCookie => None,
            Shape::MiddlewareSubrequest => Some(&SUBREQUEST),
            Shape::NextDataLocaleLess => Some(&NEXT_DATA_I18N),
        }
    }

    /// For the human listing.
    pub fn label(self) -> &'static str {
        match self {
            Shape::NoCookie => "no cookie",
            Shape::MiddlewareSubrequest => "x-middleware-subrequest",
            Shape::NextDataLocaleLess => "/_next/data/…, no locale",
        }
    }
}

/// One request to send: the path and query on the app (Next's basePath not included) and its
/// extra headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    pub shape: Shape,
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
}

impl Probe {
    pub fn no_cookie(path: &str) -> Probe {
        Probe { shape: Shape::NoCookie, path: path.to_string(), headers: Vec::new() }
    }

    pub fn subrequest(path: &str) -> Probe {
        Probe { shape: Shape::MiddlewareSubrequest, path: path.to_string(), headers: vec![("x-middleware-subrequest", SUBREQUEST_VALUE.to_string())] }
    }

    /// `/dashboard?x=1` → `/_next/data/<id>/dashboard.json?x=1`; `/` → `…/index.json`.
    pub fn next_data(path: &str, build_id: &str) -> Probe {
        let (p, q) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path, None),
        };
        let p = p.trim_end_matches('/');
        let page = if p.is_empty() { "/index" } else { p };
        let mut path = format!("/_next/data/{build_id}{page}.json");
        if let Some(q) = q {
            path.push('?');
            path.push_str(q);
        }
        Probe { shape: Shape::NextDataLocaleLess, path, headers: Vec::new() }
    }
}

/// `--protected` as given: a path on the app, starting with `/` (a query is kept).
pub fn parse_path(s: &str) -> Result<String, String> {
    let s = s.trim();
    if !s.starts_with('/') || s.starts_with("//") || s.contains("://") {
        return Err(format!("--protected `{s}` must be a path on the app, such as /dashboard"));
    }
    if s.contains('#') || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("--protected `{s}`: no fragment or spaces"));
    }
    Ok(s.to_string())
}

/// What an answer to a protected path means.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// 3xx with a `Location`, an in-page redirect (`redirect()` after streaming started), a
    /// data-route redirect (`x-nextjs-redirect`, `__N_REDIRECT`): protected.
    Redirect,
    /// 401 or 403: protected.
    Denied,
    /// The page (or its data) answered: exposed.
    Page,
    /// 404/410 or `notFound`: the path (or this shape) does not exist.
    NotFound,
    /// 204/205 or an empty body.
    NoContent,
    /// Another status (5xx, 400…): no conclusion.
    Other,
    /// The request failed (timeout, refused…): no conclusion.
    Unreachable,
}

impl Verdict {
    pub fn protects(self) -> bool {
        matches!(self, Verdict::Redirect | Verdict::Denied)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Redirect => "redirect",
            Verdict::Denied => "denied",
            Verdict::Page => "the page",
            Verdict::NotFound => "not found",
            Verdict::NoContent => "no content",
            Verdict::Other => "no conclusion",
            Verdict::Unreachable => "unreachable",
        }
    }
}

/// The verdict on one answer to `shape`.
pub fn classify(shape: Shape, r: &Reply) -> Verdict {
    if r.next_redirect.is_some() {
        return Verdict::Redirect;
    }
    match r.status {
        300..=399 if r.location.is_some() => Verdict::Redirect,
        401 | 403 => Verdict::Denied,
        404 | 410 => Verdict::NotFound,
        204 | 205 => Verdict::NoContent,
        200..=299 if r.body.trim().is_empty() => Verdict::NoContent,
        200..=299 if shape == Shape::NextDataLocaleLess => classify_next_data(&r.body),
        200..=299 if is_in_page_redirect(&r.body) => Verdict::Redirect,
        200..=299 => Verdict::Page,
        _ => Verdict::Other,
    }
}

/// A Pages Router data answer: `{"pageProps": {…}}` is the page's data; `__N_REDIRECT` in it is
/// `getServerSideProps`' own redirect, `notFound: true` its 404.
fn classify_next_data(body: &str) -> Verdict {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
        return Verdict::Other;
    };
    if v.get("notFound").and_then(|n| n.as_bool()) == Some(true) {
        return Verdict::NotFound;
    }
    match v.get("pageProps").and_then(|p| p.as_object()) {
        Some(props) if props.contains_key("__N_REDIRECT") => Verdict::Redirect,
        Some(_) => Verdict::Page,
        None => Verdict::Other,
    }
}

/// Next's App Router answers `redirect()` called after the response started streaming with a
/// 200 whose HTML holds `<meta id="__next-page-redirect" http-equiv="refresh" …>`.
fn is_in_page_redirect(body: &str) -> bool {
    // The meta tag sits near the top; look at the first 64 KiB only.
    let head = match body.char_indices().nth(64 * 1024) {
        Some((i, _)) => &body[..i],
        None => body,
    };
    let lower = head.to_ascii_lowercase();
    lower.contains("__next-page-redirect") || lower.contains("http-equiv=\"refresh\"")
}

/// The build id of a Pages Router app, from the `__NEXT_DATA__` of one of its HTML pages
/// (its 404 page, for instance). `None` for App Router pages, which carry none.
pub fn build_id_of(html: &str) -> Option<String> {
    let at = html.find("\"buildId\":\"")? + "\"buildId\":\"".len();
    let rest = &html[at..];
    let id = &rest[..rest.find('"')?];
    let ok = !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    ok.then(|| id.to_string())
}

/// One request made for a protected path, as reported (never a body or a cookie).
#[derive(Clone, Debug, Serialize)]
pub struct ProtectedRequest {
    pub shape: Shape,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advisory: Option<&'static str>,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub verdict: Verdict,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Unreachable>,
}

impl ProtectedRequest {
    pub fn new(probe: &Probe, url: String, answer: Result<&Reply, &Unreachable>) -> Self {
        let (status, content_type, location, verdict, error) = match answer {
            Ok(r) => (Some(r.status), r.content_type.clone(), r.location.clone().or_else(|| r.next_redirect.clone()), classify(probe.shape, r), None),
            Err(e) => (None, None, None, Verdict::Unreachable, Some(e.clone())),
        };
        ProtectedRequest { shape: probe.shape, advisory: probe.shape.advisory().map(|a| a.id), url, status, content_type, location, verdict, error }
    }

    /// `GET /dashboard with x-middleware-subrequest (CVE-…) → 200 text/html`.
    fn describe(&self, target: &Target) -> String {
        let path = self.url.strip_prefix(&target.origin_str()).unwrap_or(&self.url);
        let how = match self.shape {
            Shape::NoCookie => "without a cookie".to_string(),
            Shape::MiddlewareSubrequest => format!("with `x-middleware-subrequest: middleware:…` ({})", SUBREQUEST.id),
            Shape::NextDataLocaleLess => format!("(the locale-less data route, {})", NEXT_DATA_I18N.id),
        };
        let status = self.status.map(|s| s.to_string()).unwrap_or_default();
        let ct = self.content_type.as_deref().map(|c| format!(" {}", c.split(';').next().unwrap_or(c))).unwrap_or_default();
        format!("GET {path} {how} → {status}{ct}: the page")
    }
}

/// Everything asked for one `--protected` path.
#[derive(Clone, Debug, Serialize)]
pub struct ProtectedPath {
    pub path: String,
    pub requests: Vec<ProtectedRequest>,
}

/// D011 when any request to a protected path answered with the page.
pub fn finding(target: &Target, paths: &[ProtectedPath]) -> Option<Finding> {
    let exposed: Vec<&ProtectedRequest> = paths.iter().flat_map(|p| &p.requests).filter(|r| r.verdict == Verdict::Page).collect();
    if exposed.is_empty() {
        return None;
    }
    let evidence = exposed.iter().map(|r| r.describe(target)).collect();
    let direct = exposed.iter().any(|r| r.shape == Shape::NoCookie);
    let mut advisories: Vec<&Advisory> = exposed.iter().filter_map(|r| r.shape.advisory()).collect();
    advisories.dedup();
    let mut cause = Vec::new();
    let mut fix = Vec::new();
    if direct {
        cause.push(
            "A request without any cookie gets the page: the middleware / `proxy.ts` does not \
             cover this path (its `matcher`) or lets signed-out requests through (the \
             `authorized` callback, `withAuth`), and the page does not check the session itself."
                .to_string(),
        );
        fix.push("Add the path to the middleware/proxy `matcher`.".to_string());
    }
    for a in &advisories {
        cause.push(format!(
            "The running Next.js has {} (affected {}): that request skips the middleware / \
             proxy, and the page relies on it alone — it has no session check of its own.",
            a.id, a.affected
        ));
    }
    if !advisories.is_empty() {
        let fixed: Vec<String> = advisories.iter().map(|a| format!("{} for {}", a.fixed, a.id.split(" / ").next().unwrap_or(a.id))).collect();
        fix.push(format!("Upgrade `next` ({}; the latest patch of your major has every fix) and redeploy.", fixed.join("; ")));
    }
    fix.push(
        "Check the session in each protected page, route handler and server action itself, so \
         no request that skips the middleware reaches the data — v4: `const session = await \
         getServerSession(authOptions); if (!session?.user) redirect(\"/api/auth/signin\")` (in \
         `getServerSideProps`: return `{ redirect: { destination: \"/api/auth/signin\", \
         permanent: false } }`); v5: `const session = await auth(); if (!session?.user) \
         redirect(\"/api/auth/signin\")`."
            .to_string(),
    );
    if direct {
        fix.push(
            "(A page that shows its own sign-in form to signed-out visitors with a 200 is not \
             exposed: leave it out of `--protected`.)"
                .to_string(),
        );
    }
    Some(Finding::new(
        Code::D011,
        evidence,
        "Anyone can read these pages without signing in: the middleware / proxy was the only \
         thing in front of them, and these requests got past it.",
        cause.join(" "),
        fix.join(" "),
    ))
}
