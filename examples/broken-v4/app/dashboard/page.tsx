import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";

export default async function Dashboard() {
  const session = await getServerSession();
  if (!session) redirect("/api/auth/signin");
  return <p>Signed in as {session.user?.email}</p>;
}
