// The mistake under test: server-side props with no session check of their own; only the
// middleware stands in front.
export async function getServerSideProps() {
  return { props: { marker: "doctor-protected-page-marker" } };
}

export default function Dashboard({ marker }: { marker: string }) {
  return <main>{marker}: the private dashboard</main>;
}
