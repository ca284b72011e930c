export default function Home() {
  return (
    <main>
      <h1>Invoices</h1>
      <a href="/dashboard">Dashboard</a>
    </main>
  );
}
