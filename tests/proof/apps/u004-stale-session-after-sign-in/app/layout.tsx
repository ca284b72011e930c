import type { Metadata } from "next";
import Link from "next/link";
import AuthProvider from "@/components/AuthProvider";
import { auth } from "@/auth";
import "./globals.css";

export const metadata: Metadata = {
  title: "u004-stale-session-after-sign-in",
};

// The header is rendered by the root layout, on the server: a soft navigation keeps it.
export default async function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  const session = await auth();
  return (
    <html lang="en">
      <body>
        <header>
          <span data-testid="header-user">{session?.user?.email ?? "Signed out"}</span>{" "}
          <Link href="/login" data-testid="to-login">
            Sign in
          </Link>
        </header>
        <AuthProvider>{children}</AuthProvider>
      </body>
    </html>
  );
}
