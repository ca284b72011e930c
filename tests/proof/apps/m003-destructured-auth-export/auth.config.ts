import type { NextAuthConfig } from "next-auth";

// The edge-safe part of the config, shared by auth.ts and proxy.ts.
export default {
  providers: [],
  callbacks: {
    authorized({ auth, request }) {
      if (request.nextUrl.pathname.startsWith("/dashboard")) return !!auth?.user;
      return true;
    },
  },
} satisfies NextAuthConfig;
