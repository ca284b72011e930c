import Link from "next/link";

export default function Home() {
  return (
    <main>
      <h1>u004-stale-session-after-sign-in</h1>
      <p>
        <Link href="/dashboard">Dashboard</Link> (server session) and{" "}
        <Link href="/client">client page</Link> (useSession()).
      </p>
    </main>
  );
}
