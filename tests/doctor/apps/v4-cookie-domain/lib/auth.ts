import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";

export const authOptions: NextAuthOptions = {
  // The mistake under test: a cookie domain for the production host, applied wherever the
  // production build runs (previews, staging, another domain).
  cookies: {
    callbackUrl: {
      name: "next-auth.callback-url",
      options: {
        domain: process.env.NODE_ENV === "production" ? ".myapp.example" : undefined,
        httpOnly: true,
        sameSite: "lax",
        path: "/",
        secure: false,
      },
    },
  },
  providers: [
    CredentialsProvider({
      name: "Credentials",
      credentials: { username: { label: "Username" }, password: { label: "Password", type: "password" } },
      authorize: async (c) =>
        c?.username === "demo" && c?.password === "demo"
          ? { id: "1", name: "Demo", email: "demo@example.test" }
          : null,
    }),
  ],
};
