"use client";

import { useSession, signOut } from "next-auth/react";

export function UserMenu() {
  const { data: session } = useSession();
  if (!session) return null;
  return <button onClick={() => signOut()}>Sign out {session.user?.name}</button>;
}
