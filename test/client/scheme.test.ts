// A wrong scheme in the PBX address, from both sides, against real servers on 127.0.0.1: https://
// (or no scheme) on the simulator's plain-HTTP port, http:// on its HTTPS port, and http:// on an
// nginx-like port that answers plain requests with its "plain HTTP request was sent to HTTPS port"
// page (the 3CX web server). Each says which scheme the port speaks, at once (no retries); a reset
// that a scheme does not explain stays UNREACHABLE and is retried.
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { WebApiClient } from "../../src/client";
import { startSimulator, type Simulator } from "../../src/simulator";
import { simulatorCertificate } from "../../src/simulator/tls";
import { rejectsWith } from "./support/secrecy";

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
}

describe("client: wrong scheme in the PBX address", function () {
  this.timeout(20_000);
  let sim: Simulator;
  const servers: net.Server[] = [];
  const clients: WebApiClient[] = [];
  const client = (fqdn: string, key = sim.accessKey): WebApiClient => {
    const c = new WebApiClient({ fqdn, accessKey: key, retries: 2 }); // the default backoff: the probe answers before the second attempt
    clients.push(c);
    return c;
  };
  const port = (url: string): string => new URL(url).port;

  before(async () => {
    sim = await startSimulator({ host: "127.0.0.1", httpPort: 0, httpsPort: 0 });
  });
  after(async () => {
    for (const c of clients) c.close();
    for (const s of servers) s.close();
    await sim.close();
  });

  it("https:// on a plain-HTTP port: the PBX answered plain HTTP, try http://…", async () => {
    const p = port(sim.httpUrl);
    const e = await rejectsWith(client(`https://127.0.0.1:${p}`).call("info", {}), "TLS", sim.accessKey);
    assert.equal(e.message, `info failed: the PBX answered plain HTTP at https://127.0.0.1:${p}: try http://127.0.0.1:${p} as the PBX address`);
    assert.equal(e.attempts, 1, "not retried");
  });

  it("no scheme (https is assumed) on a plain-HTTP port: the same", async () => {
    const p = port(sim.httpUrl);
    const e = await rejectsWith(client(`127.0.0.1:${p}`).call("ext.state.get", { num: "100" }), "TLS", sim.accessKey);
    assert.match(e.message, new RegExp(`answered plain HTTP at https://127\\.0\\.0\\.1:${p}: try http://127\\.0\\.0\\.1:${p} as the PBX address$`));
  });

  it("http:// on an HTTPS port: the PBX answered HTTPS, try https://…", async () => {
    const p = port(sim.httpsUrl);
    const e = await rejectsWith(client(`http://127.0.0.1:${p}`).call("info", {}), "TLS", sim.accessKey);
    assert.equal(e.message, `info failed: the PBX answered HTTPS at http://127.0.0.1:${p}: try https://127.0.0.1:${p} as the PBX address`);
    assert.equal(e.attempts, 1, "not retried");
  });

  it("http:// on an nginx-like HTTPS port that answers plain requests with a 400 page: try https://…", async () => {
    const { key, cert } = await simulatorCertificate();
    const tlsServer = tls.createServer({ key, cert }, (s) => s.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"));
    tlsServer.on("tlsClientError", () => undefined); // the probe hangs up after the handshake
    // One port for both, as nginx: a TLS handshake goes to TLS, anything else gets the 400 page.
    const front = net.createServer((sock) => {
      sock.once("data", (first: Buffer) => {
        if (first[0] === 0x16) {
          sock.pause(); // hand over a paused socket with the byte put back
          sock.unshift(first);
          tlsServer.emit("connection", sock);
          return;
        }
        const page = "<html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head><body><center><h1>400 Bad Request</h1></center><center>The plain HTTP request was sent to HTTPS port</center><hr><center>nginx</center></body></html>";
        sock.end(`HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: ${page.length}\r\nConnection: close\r\n\r\n${page}`);
      });
    });
    servers.push(front);
    const p = await listen(front);
    const e = await rejectsWith(client(`http://127.0.0.1:${p}`).call("info", {}), "TLS", sim.accessKey);
    assert.equal(e.message, `info failed: the PBX answered HTTPS at http://127.0.0.1:${p}: try https://127.0.0.1:${p} as the PBX address`);
  });

  it("a reset that no scheme explains (the port resets every connection) stays UNREACHABLE and is retried", async () => {
    let connections = 0;
    const resetter = net.createServer((sock) => {
      connections++;
      sock.resetAndDestroy();
    });
    servers.push(resetter);
    const p = await listen(resetter);
    for (const scheme of ["https", "http"]) {
      connections = 0;
      const e = await rejectsWith(client(`${scheme}://127.0.0.1:${p}`).call("info", {}), "UNREACHABLE", sim.accessKey);
      assert.match(e.message, /connection was reset, after 3 attempts\)$/, `${scheme}: ${e.message}`);
      assert.ok(connections >= 4, `${scheme}: three attempts and a probe (${connections} connections)`);
    }
  });

  it("once the PBX has answered, a reset is not probed again", async () => {
    let connections = 0;
    let answered = false;
    const flaky = net.createServer((sock) => {
      connections++;
      if (answered) return void sock.resetAndDestroy();
      answered = true;
      sock.once("data", () => sock.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}'));
    });
    servers.push(flaky);
    const p = await listen(flaky);
    const c = client(`http://127.0.0.1:${p}`);
    await c.call("info", {});
    connections = 0;
    await rejectsWith(c.call("info", {}), "UNREACHABLE", sim.accessKey);
    assert.equal(connections, 3, "three attempts, no probe");
  });
});
