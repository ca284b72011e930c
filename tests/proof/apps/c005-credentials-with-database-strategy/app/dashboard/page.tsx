import Link from "next/link";
import { redirect } from "next/navigation";
import { auth } from "@/auth";

export default async function DashboardPage() {
  const session = await auth();
  if (!session?.user) redirect("/api/auth/signin?callbackUrl=/dashboard");

  return (
    <main>
      <h1>Dashboard</h1>
      <p>
        Server session: <span data-testid="server-email">{session.user.email}</span> (id{" "}
        <code data-testid="server-id">{session.user.id}</code>)
      </p>
      <Link href="/client" data-testid="to-client">
        Client page
      </Link>
    </main>
  );
}
