// Not a mistake: v4's withAuth protects every path with a catch-all matcher, but it lets the
// auth routes (the path of NEXTAUTH_URL, /api/auth) through by itself. doctor must not report
// it. (Uses Next's older file name, middleware.ts, which Next 16 still runs.)
import { withAuth } from "next-auth/middleware";

export default withAuth({});

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
