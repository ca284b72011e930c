import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";

export const authOptions: NextAuthOptions = {
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
