// The credentials provider's only user: AUTH_DEMO_EMAIL / AUTH_DEMO_PASSWORD from the
// environment. With either unset, nobody can sign in with a password.
//
// Plug in a real user store here: look the user up by email in your database and verify a
// password hash (bcrypt/argon2) instead of comparing with an environment variable.

async function sha256(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
}

// Compares digests byte by byte without stopping early, so the time taken does not tell how
// much of the password was right.
async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256(a), sha256(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

export async function demoUser(email: unknown, password: unknown) {
  const demoEmail = process.env.AUTH_DEMO_EMAIL;
  const demoPassword = process.env.AUTH_DEMO_PASSWORD;
  if (!demoEmail || !demoPassword) return null;
  if (typeof email !== "string" || typeof password !== "string") return null;

  const emailOk = email.trim().toLowerCase() === demoEmail.trim().toLowerCase();
  const passwordOk = await constantTimeEqual(password, demoPassword);
  if (!emailOk || !passwordOk) return null;

  return { id: "demo-user", email: demoEmail, name: "Demo user" };
}
