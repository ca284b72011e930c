import type { NextAuthConfig } from "next-auth";

// The edge-safe part of the config, shared by auth.ts and proxy.ts.
export default {
  providers: [],
  callbacks: {
    // Runs in proxy.ts: /dashboard and /client need a signed-in user.
    authorized({ auth, request }) {
      const { pathname } = request.nextUrl;
      if (pathname.startsWith("/dashboard") || pathname === "/client") return !!auth?.user;
      return true;
    },
  },
} satisfies NextAuthConfig;
