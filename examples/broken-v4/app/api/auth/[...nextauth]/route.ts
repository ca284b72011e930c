import NextAuth, { type NextAuthOptions } from "next-auth";
import GitHubProvider from "next-auth/providers/github";

export const authOptions: NextAuthOptions = {
  providers: [
    GitHubProvider({
      clientId: process.env.GITHUB_ID!,
      clientSecret: process.env.GITHUB_SECRET!,
    }),
  ],
  // Use secure cookies in production
  useSecureCookies: process.env.NODE_ENV === "production",
  callbacks: {
    session({ session, token }) {
      return { ...session, user: { ...session.user, id: token.sub } };
    },
  },
};

const handler = NextAuth(authOptions);
export { handler as GET, handler as POST };
