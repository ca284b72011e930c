import Link from "next/link";

export default function Home() {
  return (
    <main>
      <h1>s001-bare-get-server-session</h1>
      <p>
        <Link href="/dashboard">Dashboard</Link> (server session) and{" "}
        <Link href="/client">client page</Link> (useSession()).
      </p>
    </main>
  );
}
