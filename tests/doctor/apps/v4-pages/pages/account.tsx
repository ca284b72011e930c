// Not a mistake: getServerSideProps checks the session itself, so a request that skips the
// middleware still gets the redirect. doctor must stay silent on it.
import type { GetServerSidePropsContext } from "next";
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth";

export async function getServerSideProps(ctx: GetServerSidePropsContext) {
  const session = await getServerSession(ctx.req, ctx.res, authOptions);
  if (!session?.user) return { redirect: { destination: "/api/auth/signin", permanent: false } };
  return { props: { email: session.user.email ?? "" } };
}

export default function Account({ email }: { email: string }) {
  return <main>doctor-protected-page-marker: the account of {email}</main>;
}
