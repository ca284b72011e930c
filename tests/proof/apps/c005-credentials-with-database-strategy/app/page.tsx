import Link from "next/link";

export default function Home() {
  return (
    <main>
      <h1>c005-credentials-with-database-strategy</h1>
      <p>
        <Link href="/dashboard">Dashboard</Link> (server session) and{" "}
        <Link href="/client">client page</Link> (useSession()).
      </p>
    </main>
  );
}
