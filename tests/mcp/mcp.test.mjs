// `authfix mcp` driven by the official TypeScript MCP client (@modelcontextprotocol/sdk) over
// stdio, with node's built-in test runner: `node --test tests/mcp/` (AUTHFIX=path/to/authfix,
// default target/debug/authfix). Every fixture is a copy in a temp folder; the doctor tests talk
// to a server on 127.0.0.1 only.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const AUTHFIX = process.env.AUTHFIX || join(repo, "target", "debug", "authfix");
const version = /\[package\][^[]*?\nversion\s*=\s*"([^"]+)"/.exec(readFileSync(join(repo, "Cargo.toml"), "utf8"))[1];

const work = mkdtempSync(join(tmpdir(), "authfix-mcp-"));
let client;
let transport;

/** Every file under dir (relative path -> content), skipping .git. */
function tree(dir) {
  const out = {};
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      if (name === ".git") continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

function copy(fixture, name, { git = false } = {}) {
  const dest = join(work, name);
  cpSync(fixture, dest, { recursive: true });
  if (git) {
    const g = (...args) => execFileSync("git", ["-C", dest, ...args], { stdio: "pipe" });
    g("init", "-q");
    g("add", "-A");
    g("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "fixture");
  }
  return dest;
}

const call = (name, args) => client.callTool({ name, arguments: args });
const text = (res) => res.content.map((c) => c.text ?? "").join("\n");

before(async () => {
  transport = new StdioClientTransport({ command: AUTHFIX, args: ["mcp"], cwd: work, stderr: "pipe" });
  client = new Client({ name: "authfix-mcp-test", version: "1.0.0" });
  await client.connect(transport);
});

after(async () => {
  await client?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("initialize and list tools", () => {
  test("the server names itself and offers tools", () => {
    const info = client.getServerVersion();
    assert.equal(info.name, "authfix");
    assert.equal(info.version, version);
    assert.ok(client.getServerCapabilities().tools, "tools capability");
    assert.match(client.getInstructions() ?? "", /check/);
  });

  test("tools: check, doctor, explain, fix, init, each with its required argument", async () => {
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    assert.deepEqual(Object.keys(byName).sort(), ["check", "doctor", "explain", "fix", "init"]);
    const required = { check: "path", fix: "path", init: "path", explain: "rule", doctor: "url" };
    for (const [name, arg] of Object.entries(required)) {
      const schema = byName[name].inputSchema;
      assert.equal(schema.type, "object", name);
      assert.ok(schema.required?.includes(arg), `${name} requires ${arg}: ${JSON.stringify(schema)}`);
      assert.ok(byName[name].description.length > 40, `${name} has a description`);
    }
    assert.equal(byName.fix.inputSchema.properties.apply.type, "boolean");
  });
});

describe("check", () => {
  test("a broken v4 app: the JSON report's findings, as structured content", async () => {
    const app = copy(join(repo, "examples", "broken-v4"), "check-v4");
    const res = await call("check", { path: app });
    assert.notEqual(res.isError, true, text(res));
    const codes = res.structuredContent.findings.map((f) => f.code);
    for (const c of ["C001", "E001", "P001", "S001", "S002"]) assert.ok(codes.includes(c), `${c} in ${codes}`);
    const c001 = res.structuredContent.findings.find((f) => f.code === "C001");
    assert.equal(c001.file, "app/api/auth/[...nextauth]/route.ts");
    assert.equal(c001.severity, "error");
    // The text content is the same document (for clients that read only text).
    assert.deepEqual(JSON.parse(text(res)), res.structuredContent);
    // Same document as `authfix check --format json` on the command line.
    let cli;
    try {
      cli = execFileSync(AUTHFIX, ["check", "--format", "json", app], { encoding: "utf8" });
    } catch (e) {
      cli = e.stdout;
    }
    assert.deepEqual(res.structuredContent, JSON.parse(cli));
  });

  test("select narrows the rules; a clean app has no findings", async () => {
    const app = copy(join(repo, "examples", "broken-v4"), "check-select");
    const res = await call("check", { path: app, select: ["C001"] });
    assert.deepEqual([...new Set(res.structuredContent.findings.map((f) => f.code))], ["C001"]);
    const clean = join(work, "clean");
    execFileSync(AUTHFIX, ["new", "--no-install", "--provider", "credentials", clean], { stdio: "pipe" });
    const ok = await call("check", { path: clean });
    assert.notEqual(ok.isError, true, text(ok));
    assert.deepEqual(ok.structuredContent.findings, []);
  });
});

describe("fix", () => {
  test("without apply: the diff, secrets masked, nothing written", async () => {
    const app = copy(join(repo, "examples", "broken-v4"), "fix-dry", { git: true });
    const before = tree(app);
    const res = await call("fix", { path: app });
    assert.notEqual(res.isError, true, text(res));
    const out = res.structuredContent;
    assert.equal(out.applied, false);
    assert.deepEqual(out.written, []);
    assert.match(out.message, /nothing written/);
    assert.match(out.diff, /^\+\+\+ b\/lib\/auth\.ts$/m);
    assert.match(out.diff, /^-'use client'|^-"use client"/m);
    // E001 writes a fresh secret into .env.local: masked in the answer.
    assert.match(out.diff, /^\+NEXTAUTH_SECRET=\*\*\*$/m);
    assert.doesNotMatch(JSON.stringify(res), /NEXTAUTH_SECRET=(?!\*\*\*)[A-Za-z0-9+/=]{20,}/);
    const paths = out.files.map((f) => `${f.action} ${f.path}`);
    assert.ok(paths.includes("create .env.local") && paths.includes("create lib/auth.ts"), paths.join(", "));
    assert.deepEqual(tree(app), before, "nothing written");
  });

  test("with apply: files written (the real secret on disk, never in the answer); a second call changes nothing", async () => {
    const app = copy(join(repo, "examples", "broken-v4"), "fix-apply", { git: true });
    const before = tree(app);
    const res = await call("fix", { path: app, apply: true });
    assert.notEqual(res.isError, true, text(res));
    const out = res.structuredContent;
    assert.equal(out.applied, true, JSON.stringify(out));
    assert.ok(out.written.includes("lib/auth.ts") && out.written.includes(".env.local"), out.written.join(", "));
    const after = tree(app);
    assert.notDeepEqual(after, before);
    assert.ok(existsSync(join(app, "lib", "auth.ts")));
    const secret = /^NEXTAUTH_SECRET=(.+)$/m.exec(after[".env.local"])[1].replace(/^"|"$/g, "");
    assert.ok(secret.length >= 40 && !secret.includes("*"), "a real secret on disk");
    assert.ok(!JSON.stringify(res).includes(secret), "the secret never appears in the MCP answer");
    assert.equal(statSync(join(app, ".env.local")).mode & 0o777, 0o600);

    const again = await call("fix", { path: app, apply: true });
    assert.notEqual(again.isError, true, text(again));
    assert.deepEqual(again.structuredContent.files, []);
    assert.equal(again.structuredContent.diff, "");
    assert.match(again.structuredContent.message, /nothing to change/);
    assert.deepEqual(tree(app), after, "the second call wrote nothing");
    const check = await call("check", { path: app });
    assert.deepEqual(check.structuredContent.findings.filter((f) => f.severity === "error"), []);
  });

  test("with apply on uncommitted changes: the git guard refuses, names the file, writes nothing", async () => {
    const app = copy(join(repo, "examples", "broken-v4"), "fix-dirty", { git: true });
    const layout = join(app, "app", "layout.tsx");
    writeFileSync(layout, readFileSync(layout, "utf8") + "\n// a local edit\n");
    const before = tree(app);
    const res = await call("fix", { path: app, apply: true });
    assert.equal(res.isError, true);
    assert.deepEqual(res.structuredContent.refused.dirty_files, ["app/layout.tsx"]);
    assert.equal(res.structuredContent.applied, false);
    assert.deepEqual(tree(app), before, "nothing written");
    // allow_dirty writes, as --allow-dirty does.
    const forced = await call("fix", { path: app, apply: true, allow_dirty: true });
    assert.equal(forced.structuredContent.applied, true, text(forced));
    assert.match(readFileSync(layout, "utf8"), /a local edit/);
  });
});

describe("explain, init", () => {
  test("explain a rule by code and by name; a doctor code", async () => {
    const byCode = await call("explain", { rule: "C001" });
    assert.match(text(byCode), /^# C001 secure-cookies-node-env/);
    assert.match(text(byCode), /## Why is this bad\?/);
    const byName = await call("explain", { rule: "secure-cookies-node-env" });
    assert.equal(text(byName), text(byCode));
    assert.match(text(await call("explain", { rule: "D001" })), /^# D001/);
  });

  test("init: a preview of the files and edits, secrets masked, nothing written", async () => {
    const app = copy(join(repo, "tests", "e2e", "fixtures", "plain-app"), "init-plain");
    const before = tree(app);
    const res = await call("init", { path: app, auth: "v5", providers: ["credentials"] });
    assert.notEqual(res.isError, true, text(res));
    const out = res.structuredContent;
    assert.match(out.detected, /^Detected: Next\.js 16/);
    const files = Object.fromEntries(out.files.map((f) => [f.path, f.action]));
    assert.equal(files["app/layout.tsx"], "modify");
    assert.equal(files["package.json"], "modify");
    assert.equal(files["auth.ts"], "create");
    assert.match(out.diff, /^\+.*<AuthProvider>\{children\}<\/AuthProvider>/m);
    assert.match(out.diff, /^\+AUTH_SECRET="?\*\*\*"?$/m);
    assert.match(out.diff, /^\+AUTH_DEMO_PASSWORD=\*\*\*$/m);
    assert.deepEqual(tree(app), before, "nothing written");
  });
});

describe("doctor (a server on 127.0.0.1)", () => {
  let server;
  let base;
  before(async () => {
    // Answers like Auth.js v5 without a secret: 500 "There was a problem with the server configuration".
    server = createServer((req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "There was a problem with the server configuration. Check the server logs for more information." }));
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => server.close());

  test("a misconfigured deployment: D001 in the doctor's JSON report", async () => {
    const res = await call("doctor", { url: base });
    assert.notEqual(res.isError, true, text(res));
    assert.equal(res.structuredContent.schema, "authfix-doctor/1");
    assert.deepEqual(res.structuredContent.findings.map((f) => f.code), ["D001"]);
    assert.equal(res.structuredContent.requests.length, 3);
  });

  test("an unreachable URL: an error answer with the reason", async () => {
    const closed = createServer();
    await new Promise((r) => closed.listen(0, "127.0.0.1", r));
    const port = closed.address().port;
    await new Promise((r) => closed.close(r));
    const res = await call("doctor", { url: `http://127.0.0.1:${port}` });
    assert.equal(res.isError, true);
    assert.equal(res.structuredContent.status, "unreachable");
    assert.ok(res.structuredContent.error?.kind, JSON.stringify(res.structuredContent));
  });
});

describe("lifecycle", () => {
  test("after a session, the server exits 0 when its client closes stdin; stdout holds only protocol messages", () => {
    const lines = [
      { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } } },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "check", arguments: { path: join(repo, "examples", "broken-v5-src") } } },
    ];
    const out = execFileSync(AUTHFIX, ["mcp"], { input: lines.map((l) => JSON.stringify(l)).join("\n") + "\n", timeout: 20_000, encoding: "utf8" });
    const answers = out.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(answers.map((a) => a.id), [1, 2]);
    assert.ok(answers[1].result.structuredContent.findings.length > 0);
  });
  test("stdin closed before initialize: exit 1 with the reason on stderr, nothing on stdout", () => {
    assert.throws(
      () => execFileSync(AUTHFIX, ["mcp"], { input: "", timeout: 10_000, encoding: "utf8", stdio: "pipe" }),
      (e) => e.status === 1 && e.stdout === "" && /connection closed/.test(e.stderr),
    );
  });
});

describe("bad arguments get MCP errors, and the server keeps serving", () => {
  // MCP 2025-11-25: input validation errors are tool execution errors (isError), so the model
  // sees what to correct; rmcp answers them so.
  test("arguments that do not fit the schema: tool errors naming the field", async () => {
    for (const [name, args, why] of [
      ["check", {}, /missing field `path`/],
      ["explain", {}, /missing field `rule`/],
      ["fix", { path: work, apply: "yes" }, /expected a boolean/],
      ["check", { path: work, colour: "red" }, /unknown field `colour`/],
      ["init", { path: work, auth: "v6" }, /v6/],
    ]) {
      const res = await call(name, args);
      assert.equal(res.isError, true, `${name} ${JSON.stringify(args)}`);
      assert.match(text(res), why);
    }
  });

  test("an unknown tool: an MCP error", async () => {
    await assert.rejects(call("nope", {}), (e) => typeof e.code === "number");
  });

  test("unusable arguments: tool errors that say why", async () => {
    const cases = [
      [{ name: "check", arguments: { path: join(work, "does-not-exist") } }, /does-not-exist/],
      [{ name: "check", arguments: { path: join(repo, "Cargo.toml") } }, /is not a folder/],
      [{ name: "check", arguments: { path: join(repo, "docs") } }, /no Next\.js app under/],
      [{ name: "check", arguments: { path: join(repo, "examples", "broken-v4"), select: ["Z999"] } }, /Z999/],
      [{ name: "fix", arguments: { path: "" } }, /path is empty/],
      [{ name: "explain", arguments: { rule: "Z999" } }, /no rule named "Z999"/],
      [{ name: "doctor", arguments: { url: "ftp://example.test" } }, /http/],
      [{ name: "doctor", arguments: { url: "not a url" } }, /./],
      [{ name: "doctor", arguments: { url: "http://127.0.0.1:9", protected: ["https://elsewhere.test/x"] } }, /must be a path on the app/],
      [{ name: "init", arguments: { path: join(repo, "examples", "broken-v4") } }, /already has an Auth\.js setup/],
      [{ name: "init", arguments: { path: work, providers: ["myspace"] } }, /myspace/],
    ];
    for (const [req, why] of cases) {
      const res = await client.callTool(req);
      assert.equal(res.isError, true, `${JSON.stringify(req)} -> ${text(res)}`);
      assert.match(text(res), why, JSON.stringify(req));
    }
    // Still serving after all of that.
    const ok = await call("explain", { rule: "P001" });
    assert.match(text(ok), /^# P001/);
  });
});
