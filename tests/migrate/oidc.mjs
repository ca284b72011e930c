// A local OpenID Connect provider (oauth2-mock-server) on 127.0.0.1, standing in for GitHub or
// Google: it signs in one fixed user without a login page, so OAuth sign-in really runs (discovery,
// authorization code + PKCE, token, userinfo, signed ID token) on loopback only.
//   node tests/migrate/oidc.mjs PORT   → prints "ready http://127.0.0.1:PORT", stops on SIGTERM.
import { createRequire } from "node:module";

const require = createRequire(new URL("./deps/package.json", import.meta.url));
const { OAuth2Server, Events } = require("oauth2-mock-server");

export const USER = { sub: "oidc-user-1", email: "oidc@example.com", name: "OIDC User", email_verified: true };

const port = Number(process.argv[2] || 0);
const server = new OAuth2Server();
await server.issuer.keys.generate("RS256");
server.service.on(Events.BeforeTokenSigning, (token, req) => {
  Object.assign(token.payload, USER);
  // The ID token's audience is the client that asked (Auth.js and Better Auth both check it).
  const clientId = req.body?.client_id || Buffer.from((req.headers.authorization || "").replace(/^Basic /, ""), "base64").toString().split(":")[0];
  if (clientId) token.payload.aud = decodeURIComponent(clientId);
});
server.service.on(Events.BeforeUserinfo, (res) => {
  res.body = { ...USER };
});
await server.start(port, "127.0.0.1");
console.log(`ready ${server.issuer.url}`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
