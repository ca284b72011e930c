import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";

export const authOptions: NextAuthOptions = {
  providers: [
    CredentialsProvider({
      name: "Demo",
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        const email = credentials?.email;
        if (email && email === process.env.AUTH_DEMO_EMAIL && credentials?.password === process.env.AUTH_DEMO_PASSWORD) {
          return { id: "demo-user", email, name: "Demo" };
        }
        return null;
      },
    }),
  ],
};
