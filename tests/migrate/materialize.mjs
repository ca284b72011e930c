// Write a fixture project (transforms/tests/migrate/<case>.input.txt: `# header` lines, then
// `--- path` sections) into a folder, plus the files a runnable Next.js app needs that the fixture
// leaves out (tsconfig.json, next.config.ts, next-env.d.ts). The fixture is the single source of
// the proof tier's apps: the harness checks its exact migration, this tier runs it.
//   node tests/migrate/materialize.mjs transforms/tests/migrate/v4_pg_app.input.txt /tmp/app
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";

const [fixture, dest] = process.argv.slice(2);
if (!fixture || !dest) {
  console.error("usage: materialize.mjs FIXTURE DEST");
  process.exit(2);
}
const text = readFileSync(fixture, "utf8");
const headers = {};
let current = null;
const files = new Map();
for (const line of text.split(/(?<=\n)/)) {
  const m = /^--- (.+)\n?$/.exec(line);
  if (m) {
    current = m[1].trim();
    files.set(current, "");
  } else if (current) {
    files.set(current, files.get(current) + line);
  } else if (line.startsWith("# ")) {
    const [k, ...v] = line.slice(2).split(":");
    headers[k.trim()] = v.join(":").trim();
  }
}
for (const [path, body] of files) {
  const p = join(dest, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, body);
}
const alias = headers.alias ? headers.alias.split("->").map((s) => s.trim()) : null;
const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    lib: ["dom", "dom.iterable", "esnext"],
    allowJs: true,
    skipLibCheck: true,
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    module: "esnext",
    moduleResolution: "bundler",
    resolveJsonModule: true,
    isolatedModules: true,
    jsx: "react-jsx",
    incremental: true,
    plugins: [{ name: "next" }],
    ...(alias ? { paths: { [`${alias[0]}*`]: [`./${alias[1] || ""}*`] } } : {}),
  },
  include: ["next-env.d.ts", "**/*.ts", "**/*.tsx", ".next/types/**/*.ts", ".next/dev/types/**/*.ts"],
  exclude: ["node_modules"],
};
if (!existsSync(join(dest, "tsconfig.json"))) writeFileSync(join(dest, "tsconfig.json"), JSON.stringify(tsconfig, null, 2) + "\n");
if (!existsSync(join(dest, "next.config.ts")))
  writeFileSync(join(dest, "next.config.ts"), 'import type { NextConfig } from "next";\n\nconst nextConfig: NextConfig = {};\n\nexport default nextConfig;\n');
if (!existsSync(join(dest, "next-env.d.ts")))
  writeFileSync(join(dest, "next-env.d.ts"), '/// <reference types="next" />\n/// <reference types="next/image-types/global" />\n');
if (!existsSync(join(dest, ".gitignore"))) writeFileSync(join(dest, ".gitignore"), "node_modules/\n.next/\n.env*.local\nnext-env.d.ts\n*.tsbuildinfo\n");
