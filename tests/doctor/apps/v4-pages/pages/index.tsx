export default function Home() {
  return <main>doctor test app (v4, Pages Router)</main>;
}
