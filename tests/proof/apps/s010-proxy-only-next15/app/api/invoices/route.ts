import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export async function GET() {
  const rows = await db.invoice.findMany();
  return Response.json(rows);
}
