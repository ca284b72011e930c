// The exposure under test (D011): /dashboard is protected by the middleware alone — v4's
// withAuth with a matcher — and its getServerSideProps never checks the session; /account
// checks in getServerSideProps too.
import { withAuth } from "next-auth/middleware";

export default withAuth({});

export const config = {
  matcher: ["/dashboard/:path*", "/account/:path*"],
};
