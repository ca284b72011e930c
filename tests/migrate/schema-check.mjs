// Better Auth's own migration planner (`getMigrations` from better-auth/db/migration) on the
// database the SQL was applied to: nothing may be left to create, add or index, so the emitted
// DDL is exactly the core schema better-auth 1.7 expects.
//   node tests/migrate/schema-check.mjs postgres://…
import { createRequire } from "node:module";

const require = createRequire(new URL("./deps/package.json", import.meta.url));
const [url] = process.argv.slice(2);
const { getMigrations } = await import(require.resolve("better-auth/db/migration"));
const { Pool } = require("pg");
const database = new Pool({ connectionString: url });
const m = await getMigrations({ database, emailAndPassword: { enabled: true }, logger: { disabled: true } });
await database.end();
const left = { create: m.toBeCreated.map((t) => t.table), add: m.toBeAdded.map((t) => `${t.table}(${Object.keys(t.fields).join(",")})`), indexes: (m.toBeAddedIndexes ?? []).map((i) => i.name) };
console.log(`better-auth getMigrations: ${JSON.stringify(left)}`);
process.exit(left.create.length || left.add.length || left.indexes.length ? 1 : 0);
