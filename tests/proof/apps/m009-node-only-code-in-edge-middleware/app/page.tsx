import Link from "next/link";

export default function Home() {
  return (
    <main>
      <h1>m009-node-only-code-in-edge-middleware</h1>
      <p>
        <Link href="/dashboard">Dashboard</Link> (server session) and{" "}
        <Link href="/client">client page</Link> (useSession()).
      </p>
    </main>
  );
}
