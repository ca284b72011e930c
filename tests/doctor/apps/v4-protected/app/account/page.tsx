// Not a mistake: protected by the middleware *and* by its own session check, so a request
// that skips the middleware still gets the redirect. doctor must stay silent on it.
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { authOptions } from "@/lib/auth";

export const dynamic = "force-dynamic";

export default async function Account() {
  const session = await getServerSession(authOptions);
  if (!session?.user) redirect("/api/auth/signin");
  return <main>doctor-protected-page-marker: the account of {session.user.email}</main>;
}
