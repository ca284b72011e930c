"use client";

import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { useSession } from "next-auth/react";

export default function ClientPage() {
  const { data: session } = useSession();
  const router = useRouter();

  useEffect(() => {
    if (!session) router.push("/api/auth/signin?callbackUrl=/client");
  }, [session, router]);

  if (!session) return <p data-testid="client-status">Loading session…</p>;

  return (
    <main>
      <h1>Client page</h1>
      <p data-testid="client-status">
        Client session: <span data-testid="client-email">{session.user?.email}</span>
      </p>
    </main>
  );
}
