import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "p003-missing-session-provider",
};

export default function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
