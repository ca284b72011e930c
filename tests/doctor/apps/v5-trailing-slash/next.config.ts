import type { NextConfig } from "next";

// Not a mistake: Next answers /api/auth/session with a 308 to /api/auth/session/, which the
// Auth.js client follows. doctor must not report it as middleware on the auth routes.
const nextConfig: NextConfig = { trailingSlash: true };

export default nextConfig;
