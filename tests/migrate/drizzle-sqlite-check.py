"""The SQLite half of the migrate tier's data check: the Auth.js Drizzle tables of
transforms/tests/migrate/v5_drizzle_pg_schema.input.txt as SQLite holds them, with rows, then the
`--emit-sql sqlite` output applied (as the sqlite3 shell would), then what must hold: the same
user ids, `role` carried, the credential hash, the GitHub account linked with its expiry as ISO
text, and the app's `post` still referencing "user" (now Better Auth's) with no broken keys.
  python3 tests/migrate/drizzle-sqlite-check.py emitted.sql
"""
import sqlite3
import sys

SCHEMA = """
CREATE TABLE "user" (id text PRIMARY KEY NOT NULL, name text, email text UNIQUE, "emailVerified" integer, image text, password_hash text, role text DEFAULT 'member' NOT NULL);
CREATE TABLE account ("userId" text NOT NULL REFERENCES "user"(id) ON DELETE cascade, type text NOT NULL, provider text NOT NULL, "providerAccountId" text NOT NULL, refresh_token text, access_token text, expires_at integer, token_type text, scope text, id_token text, session_state text, PRIMARY KEY (provider, "providerAccountId"));
CREATE TABLE session ("sessionToken" text PRIMARY KEY NOT NULL, "userId" text NOT NULL REFERENCES "user"(id) ON DELETE cascade, expires integer NOT NULL);
CREATE TABLE "verificationToken" (identifier text NOT NULL, token text NOT NULL, expires integer NOT NULL, PRIMARY KEY (identifier, token));
CREATE TABLE post (id text PRIMARY KEY NOT NULL, "authorId" text NOT NULL REFERENCES "user"(id), title text NOT NULL);
INSERT INTO "user" VALUES ('u-cred', 'Cred', 'cred@example.com', NULL, NULL, '$2b$10$hash', 'admin');
INSERT INTO "user" (id, email, "emailVerified") VALUES ('u-gh', 'gh@example.com', 1700000000000);
INSERT INTO account ("userId", type, provider, "providerAccountId", expires_at) VALUES ('u-gh', 'oauth', 'github', '4242', 1900000000);
INSERT INTO post VALUES ('p1', 'u-cred', 'hello');
"""

db = sqlite3.connect(":memory:", isolation_level=None)
db.executescript(SCHEMA)
db.executescript(open(sys.argv[1]).read())
q = lambda sql: db.execute(sql).fetchall()
assert q('SELECT id, role, "emailVerified" FROM "user" ORDER BY id') == [("u-cred", "admin", 0), ("u-gh", "member", 1)], q('SELECT * FROM "user"')
assert q("SELECT password FROM account WHERE \"providerId\" = 'credential' AND \"userId\" = 'u-cred'") == [("$2b$10$hash",)]
assert q("SELECT id, \"accountId\", \"accessTokenExpiresAt\" FROM account WHERE \"providerId\" = 'github' AND \"userId\" = 'u-gh'") == [
    ("github-4242", "4242", "2030-03-17T17:46:40.000Z")
], q("SELECT * FROM account")
post_sql = q("SELECT sql FROM sqlite_master WHERE name = 'post'")[0][0]
assert 'REFERENCES "user"(id)' in post_sql, post_sql
db.execute("PRAGMA foreign_keys = ON")
db.execute("INSERT INTO \"user\" (id, name, email, \"emailVerified\", \"createdAt\", \"updatedAt\") VALUES ('u-new', 'New', 'new@example.com', 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')")
db.execute("INSERT INTO post VALUES ('p2', 'u-new', 'by a Better Auth user')")
assert q("PRAGMA foreign_key_check") == [], q("PRAGMA foreign_key_check")
print("user ids, role, credential hash, github-4242 (ISO expiry), post -> \"user\" (no broken keys): ok")
