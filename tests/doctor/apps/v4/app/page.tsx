import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth";

export const dynamic = "force-dynamic";

export default async function Home() {
  const session = await getServerSession(authOptions);
  return <main>{session?.user ? `Signed in as ${session.user.email}` : "Signed out"}</main>;
}
