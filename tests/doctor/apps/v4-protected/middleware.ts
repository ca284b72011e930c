// The exposure under test (D011): /dashboard is protected by the middleware alone — v4's
// withAuth with a matcher, as in the next-auth docs — and its page never checks the session.
// /account is protected by both (its page checks too). (Next's older file name,
// middleware.ts, so the same app builds on Next 15 and 16.)
import { withAuth } from "next-auth/middleware";

export default withAuth({});

export const config = {
  matcher: ["/dashboard/:path*", "/account/:path*"],
};
