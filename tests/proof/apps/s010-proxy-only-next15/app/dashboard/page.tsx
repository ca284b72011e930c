import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export default async function Dashboard() {
  const invoices = await db.invoice.findMany();
  return (
    <ul>
      {invoices.map((i) => (
        <li key={i.id}>
          {i.customer}: {i.total} ({i.note})
        </li>
      ))}
    </ul>
  );
}
