// The config node's admin routes in a real Node-RED (red.js) with adminAuth: who may call what,
// and that neither the routes, the flow export nor the log ever hold the access key.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { adminToken, startRed, type RedProcess } from "../support/red-process";

const KEY = "Xr7-SECRET-e2e-41";

describe("admin routes under adminAuth (red.js)", function () {
  this.timeout(60000);
  let sim: Simulator;
  let red: RedProcess;
  let adminAuth: string;
  let viewerAuth: string;

  before(async () => {
    sim = await startSimulator({ accessKey: KEY, httpsPort: false });
    red = await startRed({
      users: [
        { username: "admin", password: "admin-pass", permissions: "*" },
        { username: "viewer", password: "viewer-pass", permissions: "read" },
      ],
    });
    adminAuth = `Bearer ${await adminToken(red.url, "admin", "admin-pass")}`;
    viewerAuth = `Bearer ${await adminToken(red.url, "viewer", "viewer-pass", "read")}`;
    const deploy = await fetch(`${red.url}/flows`, {
      method: "POST",
      headers: { authorization: adminAuth, "content-type": "application/json", "Node-RED-Deployment-Type": "full" },
      body: JSON.stringify([{ id: "cfg", type: "3cx-config", fqdn: sim.httpUrl, timeout: 2000, maxConcurrent: 4, credentials: { accessKey: KEY } }]),
    });
    assert.ok(deploy.ok, await deploy.text());
    // The admin API answers the deploy before the flows have started: wait for the config node.
    for (let i = 0; i < 100; i++) {
      const probe = await fetch(`${red.url}/3cx-config/lists/queue?server=cfg`, { headers: { authorization: adminAuth } });
      if (probe.status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    await red?.stop();
    await sim?.close();
  });

  const testConnection = (auth?: string) => fetch(`${red.url}/3cx-config/test`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify({ id: "cfg", fqdn: sim.httpUrl, accessKey: "__PWRD__" }),
  });
  const lists = (auth?: string) => fetch(`${red.url}/3cx-config/lists/extension?server=cfg`, { headers: auth ? { authorization: auth } : {} });

  it("refuses both routes without a token", async () => {
    assert.equal((await testConnection()).status, 401);
    assert.equal((await lists()).status, 401);
  });

  it("lets a read-only user look up lists but not test the connection", async () => {
    const res = await lists(viewerAuth);
    assert.equal(res.status, 200);
    assert.ok(((await res.json()) as { items: unknown[] }).items.length > 0);
    assert.equal((await testConnection(viewerAuth)).status, 401);
  });

  it("lets a full user test the connection, answering the license fields with the stored key", async () => {
    const res = await testConnection(adminAuth);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { ok: boolean; info: Record<string, unknown> };
    assert.equal(body.ok, true);
    assert.deepEqual(Object.keys(body.info).sort(), ["clientLicensesNum", "concurrentCalls", "licenseExpire", "product", "release", "version"]);
  });

  it("keeps the key out of the flow export, the node's credentials view and the log", async () => {
    const flows = await (await fetch(`${red.url}/flows`, { headers: { authorization: adminAuth } })).text();
    const creds = await (await fetch(`${red.url}/credentials/3cx-config/cfg`, { headers: { authorization: adminAuth } })).text();
    assert.match(creds, /has_accessKey/);
    for (const text of [flows, creds, red.log()]) assert.ok(!text.includes(KEY), "key leaked");
  });
});
