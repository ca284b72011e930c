import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";

export const { handlers, auth, signIn, signOut } = NextAuth({
  providers: [
    Credentials({
      credentials: { username: {}, password: {} },
      authorize: async (c) =>
        c?.username === "demo" && c?.password === "demo"
          ? { id: "1", name: "Demo", email: "demo@example.test" }
          : null,
    }),
  ],
  callbacks: {
    // Only consulted when `auth` runs as the proxy (the doctor-v5-proxy variant).
    authorized: ({ auth }) => !!auth,
  },
});
