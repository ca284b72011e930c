//! The doctor's finding codes (`D001`…). Codes are stable: never renumber or reuse one.
//!
//! Each code's doc comment says what it checks, what the user sees, the cause and the
//! setting to change; `docs/doctor.md` carries the same text with real output.
use serde::Serialize;

/// A stable finding code.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// **D001 server-configuration-error.** `GET {base}/session` answers 500 with Auth.js's
    /// "problem with the server configuration" body.
    /// User sees: always signed out; sign-in fails with "Server error".
    /// Cause: v4 — no secret in production (`NEXTAUTH_SECRET`); v5 — no secret (`AUTH_SECRET`)
    /// or an untrusted host (`UntrustedHost`: neither `AUTH_TRUST_HOST` nor `AUTH_URL` set on a
    /// self-hosted production server). Both v5 causes give the same answer; the server log names it.
    /// Fix: set the secret; for v5 also `AUTH_TRUST_HOST=true` or `AUTH_URL`.
    D001,
    /// **D002 auth-route-redirected.** `{base}/session`, `/csrf` or `/providers` answer a
    /// redirect to a path on the same site.
    /// User sees: `useSession()` never leaves "loading"/"unauthenticated", `ClientFetchError`,
    /// sign-in loops back to the sign-in page.
    /// Cause: middleware / `proxy.ts` runs on the auth routes and redirects signed-out requests
    /// (v4's `withAuth` skips them by itself; v5's `auth` as proxy with `authorized` does not).
    /// Next's `trailingSlash` 308 to the same path with `/` is not this: doctor follows it.
    /// Fix: exclude `api/auth` from the matcher (or let those paths through in `authorized`).
    D002,
    /// **D003 url-redirects-elsewhere.** The auth endpoints answer a redirect to the same path on
    /// another origin (http→https, apex→www, a custom domain).
    /// User sees: sign-in or callbacks bounce between hosts; cookies set on one host are missing
    /// on the other.
    /// Cause: the URL given is not the deployment's canonical URL.
    /// Fix: run doctor against the redirect target and make the URL setting that origin.
    D003,
    /// **D004 auth-route-not-found.** `{base}/session` or `{base}/providers` answers 404.
    /// User sees: `ClientFetchError` in the console, `useSession()` stays "loading", sign-in 404s.
    /// Cause: no route handler at `app{base}/[...nextauth]/route.ts`, or the handler lives under
    /// another base path than the client and server expect.
    /// Fix: add the route handler, or align `basePath` / `NEXTAUTH_URL`'s path / `--base-path`.
    D004,
    /// **D005 auth-url-other-origin.** `{base}/providers` lists `signinUrl`/`callbackUrl` on
    /// another origin than the one asked (loopback names `localhost`/`127.x.x.x`/`::1` count as
    /// one host; scheme and port must match).
    /// User sees: after signing in the browser lands on `http://localhost:3000` or on another
    /// deployment; OAuth providers answer `redirect_uri_mismatch`; CSRF errors.
    /// Cause: `NEXTAUTH_URL` (v4) / `AUTH_URL` (v5) is wrong for this deployment or hard-coded
    /// (v4 without `NEXTAUTH_URL` falls back to `http://localhost:3000`); over https, http URLs
    /// mean the proxy drops `X-Forwarded-Proto`; loopback URLs on a public host mean Auth.js
    /// used `next start`'s own address (v5 without `AUTH_URL`).
    /// Fix: set `NEXTAUTH_URL` / `AUTH_URL` to this deployment's origin (or make the proxy send
    /// `X-Forwarded-Proto: https`).
    D005,
    /// **D006 cookies-not-secure-over-https.** Over https, an auth cookie is set without `Secure`
    /// or without the `__Host-`/`__Secure-` prefix.
    /// User sees: signing in works, but sessions travel without `Secure`, and if the app later
    /// sees https (proxy headers change) the cookie names change and everyone is signed out;
    /// v4 `withAuth` middleware reads the other name and loops to the sign-in page.
    /// Cause: the URL setting is `http://…` (or the proxy drops `X-Forwarded-Proto`), or
    /// `useSecureCookies: false`.
    /// Fix: make `NEXTAUTH_URL`/`AUTH_URL` `https://…`; remove `useSecureCookies: false`.
    D006,
    /// **D007 secure-cookies-over-http.** Over plain http, an auth cookie is set with `Secure`
    /// (or a `__Secure-`/`__Host-` prefix).
    /// User sees: "signed in, then signed out on reload": browsers drop Secure cookies on http
    /// (Chromium exempts `localhost`, so it works on the developer's machine only).
    /// Cause: `useSecureCookies: true` (often `process.env.NODE_ENV === "production"`), or a
    /// URL setting that says https while the site is served over http.
    /// Fix: remove `useSecureCookies` (both versions derive it from the URL), or serve https.
    D007,
    /// **D008 cookie-domain-mismatch.** An auth cookie carries a `Domain` attribute that does
    /// not cover the host asked (or a `__Host-` cookie carries any `Domain`).
    /// User sees: "signed in, then signed out on reload": the browser rejects the cookie.
    /// Cause: `cookies.*.options.domain` in the auth config set for another host (production
    /// domain on a preview, `.example.com` on `example.net`).
    /// Fix: remove the `domain` override or set it from the environment per deployment.
    /// Only cookies named like Auth.js's (`next-auth.*`, `authjs.*`, `*session-token`,
    /// `*csrf-token`, `*callback-url`) are judged, not a CDN's.
    D008,
    /// **D009 version-mismatch.** The running Auth.js major (from its cookie names and answers)
    /// differs from the one the repository given with `--project` depends on.
    /// User sees: fixes made in the repository have no effect on the deployment.
    /// Cause: the deployment runs an old build, another branch, or a lockfile that resolves
    /// another version.
    /// Fix: redeploy from the repository; commit the lockfile.
    D009,
    /// **D010 unexpected-response.** An auth endpoint answers something Auth.js never sends:
    /// 401/403 (a protection layer), HTML or other non-JSON content, another 4xx/5xx, or JSON
    /// that does not parse or has another shape than Auth.js's signed-out answer (a `/session`
    /// that is not `{}`/`null`, a `/csrf` without `csrfToken`, `/providers` that are not
    /// providers, a body over 1 MiB).
    /// User sees: `ClientFetchError` / "Unexpected token '<'" in the console; always signed out.
    /// Cause: deployment protection or basic auth in front of the app, a catch-all page or
    /// rewrite answering `{base}/*`, or a crash in the route handler.
    /// Fix: exempt `{base}/*` from the protection layer / rewrite; read the server log for a crash.
    D010,
    /// **D011 protected-path-exposed.** With `--protected PATH`: the path answers with the page
    /// (not a redirect, 401 or 403) to a request without a cookie, or to the request shape of a
    /// Next.js middleware/proxy bypass advisory (CVE-2025-29927's `x-middleware-subrequest`,
    /// GHSA-36qx-fr4f-26g5's locale-less `/_next/data` route).
    /// User sees: nothing — anyone can read the page without signing in.
    /// Cause: the middleware/proxy is the only check in front of the page (matcher gap, or a
    /// Next.js version the advisory affects) and the page never checks the session itself.
    /// Fix: upgrade `next`; check the session in the page, route handler or action itself.
    D011,
}

impl Code {
    #[allow(dead_code)] // for the lead's `rules`/`explain` listing and the docs test
    pub const ALL: [Code; 11] =
        [Code::D001, Code::D002, Code::D003, Code::D004, Code::D005, Code::D006, Code::D007, Code::D008, Code::D009, Code::D010, Code::D011];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::D001 => "D001",
            Code::D002 => "D002",
            Code::D003 => "D003",
            Code::D004 => "D004",
            Code::D005 => "D005",
            Code::D006 => "D006",
            Code::D007 => "D007",
            Code::D008 => "D008",
            Code::D009 => "D009",
            Code::D010 => "D010",
            Code::D011 => "D011",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Code::D001 => "server-configuration-error",
            Code::D002 => "auth-route-redirected",
            Code::D003 => "url-redirects-elsewhere",
            Code::D004 => "auth-route-not-found",
            Code::D005 => "auth-url-other-origin",
            Code::D006 => "cookies-not-secure-over-https",
            Code::D007 => "secure-cookies-over-http",
            Code::D008 => "cookie-domain-mismatch",
            Code::D009 => "version-mismatch",
            Code::D010 => "unexpected-response",
            Code::D011 => "protected-path-exposed",
        }
    }

    /// One line: what is wrong.
    pub fn title(self) -> &'static str {
        match self {
            Code::D001 => "Auth.js refuses to run: server configuration error",
            Code::D002 => "Middleware / proxy redirects the auth routes",
            Code::D003 => "The URL redirects to another origin",
            Code::D004 => "No Auth.js route handler at this path",
            Code::D005 => "Auth.js builds its URLs on another origin",
            Code::D006 => "Auth cookies are not Secure over https",
            Code::D007 => "Secure auth cookies over plain http",
            Code::D008 => "Auth cookie Domain does not cover this host",
            Code::D009 => "The deployment runs another Auth.js major than the repository",
            Code::D010 => "The auth endpoint does not answer like Auth.js",
            Code::D011 => "A protected page answers signed-out requests",
        }
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem found, with everything the user needs to act on it.
/// Never holds a secret or a cookie value.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub code: Code,
    pub name: &'static str,
    pub title: &'static str,
    /// What was observed, one item per line (endpoints, status codes, cookie names and
    /// attributes).
    pub evidence: Vec<String>,
    /// What the user of the app sees.
    pub symptom: String,
    pub cause: String,
    /// The exact setting or code to change.
    pub fix: String,
}

impl Finding {
    pub fn new(code: Code, evidence: Vec<String>, symptom: impl Into<String>, cause: impl Into<String>, fix: impl Into<String>) -> Self {
        Finding { code, name: code.name(), title: code.title(), evidence, symptom: symptom.into(), cause: cause.into(), fix: fix.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_in_order() {
        let strs: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        for (i, s) in strs.iter().enumerate() {
            assert_eq!(*s, format!("D{:03}", i + 1));
        }
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }

    #[test]
    fn every_code_is_documented_in_docs() {
        let docs = include_str!("../../docs/doctor.md");
        for c in Code::ALL {
            let heading = format!("### {} {}", c.as_str(), c.name());
            assert!(docs.contains(&heading), "docs/doctor.md lacks `{heading}`");
        }
    }
}
