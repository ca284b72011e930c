// The mistake under test: Auth.js runs as the proxy (Next 16's middleware) with a
// matcher that does not exclude /api/auth, and the `authorized` callback in auth.ts
// sends every signed-out request to the sign-in page — /api/auth/session included.
export { auth as proxy } from "@/auth";

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
