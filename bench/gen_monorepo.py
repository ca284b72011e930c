#!/usr/bin/env python3
"""Write a synthetic Next.js + next-auth v4 monorepo for benchmarks.

usage: gen_monorepo.py APPS OUT_DIR

Each app mirrors the file mix of a real one (≈420 files, ≈3.5 KB each: pages, layouts, route
handlers, client and server components, hooks, lib code, tests), so 10 apps ≈ 4,200 files /
15 MB, like the reference monorepo in issue 7. A few mistakes are seeded in every app (a bare
getServerSession(), a NODE_ENV-gated useSecureCookies) so that authfix has real work to do.
Deterministic: the same arguments write the same tree.
"""
import json, os, random, sys

FILLER = '''
export function formatPrice{n}(amount: number, currency = "USD"): string {{
  const fmt = new Intl.NumberFormat("en-US", {{ style: "currency", currency }});
  return fmt.format(amount / 100);
}}

export type Row{n} = {{ id: string; name: string; createdAt: Date; tags: string[]; score: number }};

export function sortRows{n}(rows: Row{n}[], key: keyof Row{n} = "createdAt"): Row{n}[] {{
  return [...rows].sort((a, b) => (a[key] > b[key] ? 1 : a[key] < b[key] ? -1 : 0));
}}

export const columns{n} = [
  {{ key: "name", label: "Name", width: 240, sortable: true }},
  {{ key: "createdAt", label: "Created", width: 160, sortable: true }},
  {{ key: "score", label: "Score", width: 80, sortable: false }},
] as const;
'''

COMPONENT = '''"use client";

import {{ useMemo, useState }} from "react";
import {{ cn }} from "@/lib/utils";

type Props{n} = {{ items: {{ id: string; label: string }}[]; onSelect?: (id: string) => void; className?: string }};

export function List{n}({{ items, onSelect, className }}: Props{n}) {{
  const [query, setQuery] = useState("");
  const visible = useMemo(
    () => items.filter((i) => i.label.toLowerCase().includes(query.toLowerCase())),
    [items, query],
  );
  return (
    <div className={{cn("flex flex-col gap-2", className)}}>
      <input value={{query}} onChange={{(e) => setQuery(e.target.value)}} placeholder="Search…" />
      <ul>
        {{visible.map((item) => (
          <li key={{item.id}} onClick={{() => onSelect?.(item.id)}} className="cursor-pointer hover:underline">
            {{item.label}}
          </li>
        ))}}
      </ul>
    </div>
  );
}}
'''

PAGE = '''import {{ getServerSession }} from "next-auth";
import {{ authOptions }} from "@/lib/auth";
import {{ redirect }} from "next/navigation";
import {{ List{n} }} from "@/components/list-{n}";

export default async function Page{n}() {{
  const session = await getServerSession(authOptions);
  if (!session) redirect("/api/auth/signin");
  const items = Array.from({{ length: 20 }}, (_, i) => ({{ id: String(i), label: `Item ${{i}}` }}));
  return (
    <main className="p-8">
      <h1 className="text-2xl">Section {n}</h1>
      <List{n} items={{items}} />
    </main>
  );
}}
'''

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)

def app(root, idx, rnd):
    write(f"{root}/package.json", json.dumps({"name": f"app-{idx}", "private": True, "dependencies": {"next": "16.4.6", "next-auth": "4.24.15", "react": "19.3.1", "react-dom": "19.3.1"}}, indent=2))
    write(f"{root}/tsconfig.json", '{\n  "compilerOptions": { "strict": true, "jsx": "preserve", "paths": { "@/*": ["./*"] } }\n}\n')
    write(f"{root}/app/layout.tsx", 'import AuthProvider from "@/components/AuthProvider";\n\nexport const metadata = { title: "App" };\n\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang="en">\n      <body>\n        <AuthProvider>{children}</AuthProvider>\n      </body>\n    </html>\n  );\n}\n')
    write(f"{root}/components/AuthProvider.tsx", '"use client";\n\nimport { SessionProvider } from "next-auth/react";\n\nexport default function AuthProvider({ children }: { children: React.ReactNode }) {\n  return <SessionProvider>{children}</SessionProvider>;\n}\n')
    write(f"{root}/app/api/auth/[...nextauth]/route.ts", 'import NextAuth from "next-auth";\nimport { authOptions } from "@/lib/auth";\n\nconst handler = NextAuth(authOptions);\nexport { handler as GET, handler as POST };\n')
    gate = '  useSecureCookies: process.env.NODE_ENV === "production",\n' if idx % 3 == 0 else ""
    write(f"{root}/lib/auth.ts", 'import type { NextAuthOptions } from "next-auth";\nimport GitHub from "next-auth/providers/github";\n\nexport const authOptions: NextAuthOptions = {\n  providers: [GitHub({ clientId: process.env.GITHUB_ID!, clientSecret: process.env.GITHUB_SECRET! })],\n' + gate + '};\n')
    write(f"{root}/lib/utils.ts", "export function cn(...c: (string | undefined | false)[]) {\n  return c.filter(Boolean).join(\" \");\n}\n" + FILLER.format(n=0))
    n_pages, n_comp, n_lib = 120, 180, 110
    for i in range(n_pages):
        text = PAGE.format(n=i)
        if i == 7:
            text = text.replace("getServerSession(authOptions)", "getServerSession()")
        write(f"{root}/app/section-{i}/page.tsx", text + "".join(FILLER.format(n=f"{i}_{k}") for k in range(2)))
        if i % 10 == 0:
            write(f"{root}/app/section-{i}/layout.tsx", "export default function L({ children }: { children: React.ReactNode }) {\n  return <section>{children}</section>;\n}\n")
    for i in range(n_comp):
        write(f"{root}/components/list-{i}.tsx", COMPONENT.format(n=i) + "".join(FILLER.format(n=f"{i}_{k}") for k in range(rnd.randint(1, 4))))
    for i in range(n_lib):
        write(f"{root}/lib/module-{i}.ts", "".join(FILLER.format(n=f"{i}_{k}") for k in range(rnd.randint(3, 9))))

def main():
    apps, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(42)
    write(f"{out}/package.json", json.dumps({"name": "mono", "private": True, "workspaces": ["apps/*"]}))
    for i in range(apps):
        app(f"{out}/apps/app-{i}", i, rnd)

if __name__ == "__main__":
    main()
