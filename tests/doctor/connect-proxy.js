// A minimal HTTP CONNECT proxy for the HTTPS_PROXY test: listens on 127.0.0.1:PORT, tunnels
// only to loopback targets (anything else is refused with 403), and prints one line per
// tunnel: `CONNECT host:port`.
const net = require("net");
const http = require("http");

const port = Number(process.argv[2]);
const loopback = (h) => h === "localhost" || h === "[::1]" || /^127\./.test(h);

const server = http.createServer((req, res) => {
  res.writeHead(405).end("CONNECT only\n");
});
server.on("connect", (req, client, head) => {
  const i = req.url.lastIndexOf(":");
  const host = req.url.slice(0, i);
  const targetPort = Number(req.url.slice(i + 1));
  if (!loopback(host)) {
    client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
    return;
  }
  console.log(`CONNECT ${req.url}`);
  const upstream = net.connect(targetPort, host.replace(/^\[|\]$/g, ""), () => {
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on("error", () => client.destroy());
  client.on("error", () => upstream.destroy());
});
server.listen(port, "127.0.0.1");
