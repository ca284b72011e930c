// The mistake under test: no session check of its own; only the middleware stands in front.
export const dynamic = "force-dynamic";

export default function Dashboard() {
  return <main>doctor-protected-page-marker: the private dashboard</main>;
}
