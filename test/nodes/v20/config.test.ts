// 3cx-config on api v20 through a real Node-RED runtime: the client it builds, Test connection
// (token, version, licence, the role's permissions in words), the live pick lists, a missing
// Client ID, and no secret in any answer.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../../src/simulator";
import type { ThreeCxConfigNode } from "../../../nodes/shared/types";
import { helper, nodeModule } from "../../support/nodered";

const API_KEY = "V20-cfg+Key/Secret=Ww3";

describe("3cx-config on api v20", function () {
  this.timeout(20000);
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ httpsPort: false, v20: { apiKey: API_KEY } });
  });
  after(() => sim.close());
  beforeEach(() => helper.startServer());
  afterEach(async () => {
    sim.v20.role = "system_admins";
    await helper.unload();
    await helper.stopServer();
  });

  const test = (body: Record<string, unknown>) => helper.request().post("/3cx-config/test").send(body);
  const settings = { fqdn: "", api: "v20", clientId: "900", accessKey: API_KEY };

  it("builds the V20 client for api v20, with the Client ID", async () => {
    await helper.load(nodeModule("3cx-config"), [{ id: "cfg", type: "3cx-config", fqdn: sim.httpUrl, api: "v20", clientId: "900" }], { cfg: { accessKey: API_KEY } });
    const cfg = helper.getNode("cfg") as unknown as ThreeCxConfigNode;
    assert.equal(cfg.api, "v20");
    assert.equal(cfg.client.api, "v20");
    const res = await helper.request().get("/3cx-config/lists/queue?server=cfg");
    assert.deepEqual(res.body, { ok: true, items: ["820", "802", "804"].map((v) => ({ value: v, label: v })) });
  });

  it("Test connection: token, version, licence, Call Control reach, and that XAPI writes need an admin role", async () => {
    const res = await test({ ...settings, fqdn: sim.httpUrl });
    assert.equal(res.body.ok, true, JSON.stringify(res.body));
    assert.equal(res.body.api, "v20");
    const d = res.body.v20;
    assert.equal(d.token, true);
    assert.equal(d.version, sim.v20.version);
    assert.equal(d.licenseExpire, "02.05.2031 20:32:11");
    assert.equal(d.concurrentCalls, 16);
    assert.equal(d.xapi, "ok");
    assert.equal(d.callControl, "ok");
    assert.ok(d.monitored.includes("102"));
    assert.ok(d.notes.some((n: string) => /writes .* need a System Admin or System Owner role/.test(n)));
  });

  it("Test connection with a User-role principal says XAPI reads and writes will be refused", async () => {
    sim.v20.role = "users";
    const d = (await test({ ...settings, fqdn: sim.httpUrl })).body.v20;
    assert.equal(d.xapi, "refused");
    assert.equal(d.callControl, "ok");
    assert.ok(d.notes.some((n: string) => /XAPI refuses this API client \(its role is User/.test(n)), JSON.stringify(d.notes));
  });

  it("Test connection with a wrong API key: AUTH from the token endpoint; no secret in the answer", async () => {
    const res = await test({ ...settings, fqdn: sim.httpUrl, accessKey: "Wr0ng+V20/Key=" });
    assert.equal(res.body.ok, false);
    assert.equal(res.body.code, "AUTH");
    assert.match(res.body.message, /refused the API client ID or API key/);
    assert.ok(!JSON.stringify(res.body).includes("Wr0ng"));
  });

  it("Test connection without a Client ID names the field", async () => {
    const res = await test({ ...settings, fqdn: sim.httpUrl, clientId: "" });
    assert.equal(res.body.ok, false);
    assert.equal(res.body.code, "BAD_CONFIG");
    assert.match(res.body.message, /clientId is required/);
  });

  it("live pick lists from the dialog's typed V20 settings", async () => {
    await helper.load(nodeModule("3cx-config"), [], {});
    const res = await helper.request().post("/3cx-config/lists/extension").send({ ...settings, fqdn: sim.httpUrl });
    assert.equal(res.body.ok, true);
    assert.deepEqual(res.body.items.slice(0, 2), [{ value: "100", label: "100 Anna Novak" }, { value: "101", label: "101 Peter Brown" }]);
  });

  it("a V20 config node without a Client ID does not start, and says why", async () => {
    await helper.load(nodeModule("3cx-config"), [{ id: "cfg", type: "3cx-config", fqdn: sim.httpUrl, api: "v20", clientId: "" }], { cfg: { accessKey: API_KEY } });
    assert.equal(helper.getNode("cfg"), null);
  });
});
