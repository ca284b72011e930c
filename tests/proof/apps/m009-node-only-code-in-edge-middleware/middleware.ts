// The mistake: the middleware (Edge runtime) takes `auth` from auth.ts, which holds the
// PostgreSQL adapter and its `pg` pool.
export { auth as middleware } from "@/auth";

export const config = {
  matcher: ["/dashboard/:path*", "/client"],
};
