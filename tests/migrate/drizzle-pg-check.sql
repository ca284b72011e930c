-- After the emitted SQL ran on drizzle-pg-schema.sql's tables: every expectation an ASSERT
-- (psql -v ON_ERROR_STOP=1 stops at the first that fails).
DO $$
BEGIN
  -- The same user ids; the app's own role carried (admin) with its default (member) for new rows.
  ASSERT (SELECT string_agg(id || ':' || role || ':' || "emailVerified", ',' ORDER BY id) FROM "user") = 'u-cred:admin:false,u-gh:member:true',
    'users: ' || (SELECT string_agg(id || ':' || role || ':' || "emailVerified", ',' ORDER BY id) FROM "user");
  -- The bcrypt hash authorize checked, in a credential account.
  ASSERT (SELECT password FROM account WHERE "providerId" = 'credential' AND "userId" = 'u-cred') = '$2b$10$abcdefghijklmnopqrstuuS8l5oOt3Gf5hM4c9F0Dq6Lr3u7lQeW.', 'credential account';
  -- The GitHub account: keyed by provider and account id, linked, expires_at seconds as a date.
  ASSERT (SELECT id || ' ' || "accountId" || ' ' || ("accessTokenExpiresAt" AT TIME ZONE 'UTC') || ' ' || "accessToken"
          FROM account WHERE "providerId" = 'github' AND "userId" = 'u-gh') = 'github-4242 4242 2030-03-17 17:46:40 gho_token', 'github account';
  -- The app's post now references Better Auth's user table.
  ASSERT (SELECT confrelid::regclass::text FROM pg_constraint WHERE conrelid = 'post'::regclass AND contype = 'f') = '"user"', 'post foreign key';
END $$;
-- A user Better Auth creates (no role given) gets the default and can own a post.
INSERT INTO "user" (id, name, email, "emailVerified") VALUES ('u-new', 'New', 'new@example.com', false);
INSERT INTO post (id, "authorId", title) VALUES ('p2', 'u-new', 'by a Better Auth user');
DO $$ BEGIN ASSERT (SELECT role FROM "user" WHERE id = 'u-new') = 'member', 'role default'; END $$;
-- The Auth.js tables stay as a backup.
DO $$ BEGIN ASSERT to_regclass('authjs_user') IS NOT NULL AND to_regclass('authjs_account') IS NOT NULL, 'backups'; END $$;
