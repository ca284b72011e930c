import type { NextConfig } from "next";

// i18n with more than one locale: the setting GHSA-36qx-fr4f-26g5 needs.
const nextConfig: NextConfig = { i18n: { locales: ["en", "fr"], defaultLocale: "en" } };

export default nextConfig;
