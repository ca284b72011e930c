-- The tables drizzle-kit creates from transforms/tests/migrate/v5_drizzle_pg_schema.input.txt's
-- db/schema.ts (Auth.js's Drizzle guide plus the app's own `role` column and `post` table), with
-- rows: a credentials user (bcrypt hash in password_hash, role admin), a GitHub user with its
-- account, and a post by the credentials user.
CREATE TABLE "user" (
  "id" text PRIMARY KEY NOT NULL,
  "name" text,
  "email" text UNIQUE,
  "emailVerified" timestamp,
  "image" text,
  "password_hash" text,
  "role" text DEFAULT 'member' NOT NULL
);
CREATE TABLE "account" (
  "userId" text NOT NULL REFERENCES "user"("id") ON DELETE cascade,
  "type" text NOT NULL,
  "provider" text NOT NULL,
  "providerAccountId" text NOT NULL,
  "refresh_token" text,
  "access_token" text,
  "expires_at" integer,
  "token_type" text,
  "scope" text,
  "id_token" text,
  "session_state" text,
  PRIMARY KEY ("provider", "providerAccountId")
);
CREATE TABLE "session" (
  "sessionToken" text PRIMARY KEY NOT NULL,
  "userId" text NOT NULL REFERENCES "user"("id") ON DELETE cascade,
  "expires" timestamp NOT NULL
);
CREATE TABLE "verificationToken" (
  "identifier" text NOT NULL,
  "token" text NOT NULL,
  "expires" timestamp NOT NULL,
  PRIMARY KEY ("identifier", "token")
);
CREATE TABLE "post" (
  "id" text PRIMARY KEY NOT NULL,
  "authorId" text NOT NULL REFERENCES "user"("id"),
  "title" text NOT NULL,
  "published" boolean DEFAULT false
);
INSERT INTO "user" ("id", "name", "email", "emailVerified", "password_hash", "role")
  VALUES ('u-cred', 'Cred', 'cred@example.com', NULL, '$2b$10$abcdefghijklmnopqrstuuS8l5oOt3Gf5hM4c9F0Dq6Lr3u7lQeW.', 'admin');
INSERT INTO "user" ("id", "name", "email", "emailVerified") VALUES ('u-gh', NULL, 'gh@example.com', now());
INSERT INTO "account" ("userId", "type", "provider", "providerAccountId", "access_token", "expires_at", "scope")
  VALUES ('u-gh', 'oauth', 'github', '4242', 'gho_token', 1900000000, 'read:user');
INSERT INTO "session" ("sessionToken", "userId", "expires") VALUES ('tok', 'u-cred', now() + interval '1 day');
INSERT INTO "post" ("id", "authorId", "title") VALUES ('p1', 'u-cred', 'hello');
