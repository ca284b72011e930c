// The only check in front of /dashboard and /api/invoices: v4's withAuth.
export { default } from "next-auth/middleware";

export const config = { matcher: ["/dashboard/:path*", "/api/invoices"] };
