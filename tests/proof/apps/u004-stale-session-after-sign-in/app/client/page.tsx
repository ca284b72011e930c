"use client";

import { useSession } from "next-auth/react";

export default function ClientPage() {
  const { data: session, status } = useSession();

  if (status === "loading") return <p data-testid="client-status">Loading session…</p>;
  if (status === "unauthenticated") return <p data-testid="client-status">Not signed in.</p>;

  return (
    <main>
      <h1>Client page</h1>
      <p data-testid="client-status">
        Client session: <span data-testid="client-email">{session?.user?.email}</span>
      </p>
    </main>
  );
}
