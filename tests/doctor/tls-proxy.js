// A TLS-terminating reverse proxy for the https cases: listens on 127.0.0.1:PORT with the given
// certificate and forwards every request to the app on 127.0.0.1:APP_PORT, adding
// `X-Forwarded-Proto: https` and `X-Forwarded-Host` as hosting platforms do — unless
// `--no-forwarded` is given (a proxy that drops them).
// usage: node tls-proxy.js PORT APP_PORT KEY.pem CERT.pem [--no-forwarded]
const fs = require("fs");
const http = require("http");
const https = require("https");

const [port, appPort, keyFile, certFile, flag] = process.argv.slice(2);
const forward = flag !== "--no-forwarded";

https
  .createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, (req, res) => {
    const headers = { ...req.headers };
    if (forward) {
      headers["x-forwarded-proto"] = "https";
      headers["x-forwarded-host"] = req.headers.host;
    }
    const upstream = http.request(
      { host: "127.0.0.1", port: Number(appPort), method: req.method, path: req.url, headers },
      (up) => {
        res.writeHead(up.statusCode, up.rawHeaders);
        up.pipe(res);
      },
    );
    upstream.on("error", () => {
      res.writeHead(502).end();
    });
    req.pipe(upstream);
  })
  .listen(Number(port), "127.0.0.1");
