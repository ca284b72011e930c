import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";

export const authOptions: NextAuthOptions = {
  // The mistake under test: Secure cookies forced on by NODE_ENV, so `next start`
  // served over plain http sets cookies that browsers drop.
  useSecureCookies: process.env.NODE_ENV === "production",
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
