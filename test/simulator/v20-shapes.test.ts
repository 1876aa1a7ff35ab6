// The simulator's V20 side held to the reference's documented shapes (v20.md §1–§5), field by
// field, with raw HTTP (no client code): the token answer and its errors, X-3CX-Version, OData
// collections and errors, XAPI entities, Call Control DNInfo, Device, Participant, CallControlResult,
// 401 without a token and 403 for a User role.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";

const KEYS = {
  token: ["access_token", "expires_in", "refresh_token", "token_type"],
  user: ["CurrentProfileName", "DisplayName", "EmailAddress", "Enabled", "FirstName", "Id", "Internal", "IsRegistered", "LastName", "Mobile", "Number", "QueueStatus", "RecordCalls", "RecordExternalCallsOnly"],
  agent: ["Id", "Name", "Number", "SkillGroup", "Tags"],
  member: ["Id", "Name", "Number", "Tags"],
  contact: ["Business", "Business2", "BusinessFax", "CompanyName", "ContactType", "Department", "Email", "FirstName", "Home", "Id", "LastName", "Mobile2", "Other", "Pager", "PhoneNumber", "Tag", "Title"],
  activeCall: ["Callee", "Caller", "EstablishedAt", "Id", "LastChangeStatus", "ServerNow", "Status"],
  licence: ["IsCfdEnabled", "IsEnterprise", "IsMaintainceExpired", "IsProfessional", "MaxSimCalls", "ProductCode"],
  dnInfo: ["devices", "dn", "participants", "type"],
  device: ["device_id", "dn", "user_agent"],
  participant: ["callid", "device_id", "direct_control", "dn", "id", "legid", "on_behalf_of_dn", "on_behalf_of_type", "originated_by_dn", "originated_by_type", "party_caller_id", "party_caller_name", "party_did", "party_dn", "party_dn_type", "referred_by_dn", "referred_by_type", "status"],
  ccResult: ["finalstatus", "reason", "reasontext", "result"],
};
const sorted = (o: object): string[] => Object.keys(o).sort();

describe("simulator: V20 side against the reference's shapes", function () {
  this.timeout(20000);
  let sim: Simulator;
  let bearer = "";
  const api = async (verb: string, path: string, body?: unknown, auth = true) => {
    const res = await fetch(sim.httpUrl + path, {
      method: verb,
      headers: { ...(auth ? { authorization: `Bearer ${bearer}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) as Record<string, unknown> : undefined };
  };
  const token = (form: Record<string, string>) => fetch(`${sim.httpUrl}/connect/token`, {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString(),
  });

  before(async () => {
    sim = await startSimulator({ httpsPort: false, callTiming: { ringMs: 60000 } });
    const res = await token({ client_id: "900", client_secret: sim.v20.apiKey, grant_type: "client_credentials" });
    const t = await res.json() as Record<string, unknown>;
    assert.equal(res.status, 200);
    assert.deepEqual(sorted(t), KEYS.token);
    assert.equal(t.token_type, "Bearer");
    assert.equal(t.refresh_token, null);
    assert.equal(t.expires_in, 3600, "seconds from 20.0.9");
    bearer = String(t.access_token);
  });
  after(() => sim.close());

  it("token errors: 401 {error, error_description} for a wrong secret, 400 for another grant", async () => {
    const bad = await token({ client_id: "900", client_secret: "nope", grant_type: "client_credentials" });
    assert.equal(bad.status, 401);
    assert.deepEqual(sorted(await bad.json() as object), ["error", "error_description"]);
    assert.equal((await token({ client_id: "900", client_secret: sim.v20.apiKey, grant_type: "password" })).status, 400);
  });

  it("no or a stale bearer token: 401", async () => {
    assert.equal((await api("GET", "/xapi/v1/Users", undefined, false)).status, 401);
    assert.equal((await api("GET", "/callcontrol", undefined, false)).status, 401);
  });

  it("Defs?$select=Id answers {@odata.context, Id: 0} with X-3CX-Version", async () => {
    const r = await api("GET", "/xapi/v1/Defs?$select=Id");
    assert.equal(r.status, 200);
    assert.deepEqual(sorted(r.json!), ["@odata.context", "Id"]);
    assert.equal(r.json!.Id, 0);
    assert.match(r.headers.get("x-3cx-version") ?? "", /^20\.0\.\d+\.\d+$/);
  });

  it("Users: an OData collection of Pbx.User rows; $filter, $select, $top ≤ 100, $count", async () => {
    const all = await api("GET", "/xapi/v1/Users?$count=true");
    assert.deepEqual(sorted(all.json!), ["@odata.context", "@odata.count", "value"]);
    const rows = all.json!.value as Array<Record<string, unknown>>;
    assert.equal(all.json!["@odata.count"], rows.length);
    assert.deepEqual(sorted(rows[0]), KEYS.user);
    const one = await api("GET", "/xapi/v1/Users?$filter=Number%20eq%20'102'&$select=Id,Number,CurrentProfileName");
    assert.deepEqual((one.json!.value as object[]).map(sorted), [["CurrentProfileName", "Id", "Number"]]);
    const over = await api("GET", "/xapi/v1/Users?$top=101");
    assert.equal(over.status, 400);
    assert.deepEqual(sorted((over.json!.error as object)), ["code", "details", "message"]);
  });

  it("Queues $expand=Agents, RingGroups $expand=Members, Receptionists, Trunks, Groups", async () => {
    const q = (await api("GET", "/xapi/v1/Queues?$expand=Agents")).json!.value as Array<Record<string, unknown>>;
    assert.deepEqual(sorted((q.find((x) => x.Number === "802")!.Agents as object[])[0]), KEYS.agent);
    const g = (await api("GET", "/xapi/v1/RingGroups?$expand=Members")).json!.value as Array<Record<string, unknown>>;
    assert.deepEqual(sorted((g[0].Members as object[])[0]), KEYS.member);
    assert.ok(typeof g[0].RingStrategy === "string");
    const ivr = (await api("GET", "/xapi/v1/Receptionists?$select=Id,Number,Name,IVRType")).json!.value as object[];
    assert.deepEqual(sorted(ivr[0]), ["IVRType", "Id", "Name", "Number"]);
    const t = (await api("GET", "/xapi/v1/Trunks?$select=Id,Number,IsOnline,ExternalNumber,DidNumbers,Direction,SimultaneousCalls")).json!.value as object[];
    assert.deepEqual(sorted(t[0]), ["DidNumbers", "Direction", "ExternalNumber", "Id", "IsOnline", "Number", "SimultaneousCalls"]);
    assert.ok(((await api("GET", "/xapi/v1/Groups")).json!.value as object[]).length > 0);
  });

  it("Contacts: entity fields, POST 201 with the entity, PATCH/DELETE 204, GetContactsByNumber", async () => {
    const c = await api("GET", "/xapi/v1/Contacts(4)");
    assert.deepEqual(sorted(c.json!).filter((k) => k !== "@odata.context"), KEYS.contact);
    const made = await api("POST", "/xapi/v1/Contacts", { FirstName: "A", PhoneNumber: "555" });
    assert.equal(made.status, 201);
    assert.equal(made.json!.FirstName, "A");
    assert.equal((await api("PATCH", `/xapi/v1/Contacts(${made.json!.Id})`, { LastName: "B" })).status, 204);
    const found = await api("GET", "/xapi/v1/Contacts/Pbx.GetContactsByNumber(number='555')");
    assert.deepEqual((found.json!.value as Array<{ Id: number }>).map((x) => x.Id), [made.json!.Id]);
    assert.equal((await api("DELETE", `/xapi/v1/Contacts(${made.json!.Id})`)).status, 204);
    const gone = await api("GET", `/xapi/v1/Contacts(${made.json!.Id})`);
    assert.equal(gone.status, 404);
    assert.equal(typeof (gone.json!.error as { message: string }).message, "string");
  });

  it("ActiveCalls rows, SystemStatus, licence parameters", async () => {
    const ac = await api("GET", "/xapi/v1/ActiveCalls?$count=true&$top=0");
    assert.deepEqual(ac.json!.value, []);
    assert.equal(typeof ac.json!["@odata.count"], "number");
    assert.deepEqual(sorted(((await api("GET", "/xapi/v1/ActiveCalls")).json!.value as object[])[0]), KEYS.activeCall);
    const s = (await api("GET", "/xapi/v1/SystemStatus")).json!;
    for (const k of ["Version", "FQDN", "CallsActive", "ExtensionsRegistered", "ExtensionsTotal", "TrunksRegistered", "TrunksTotal", "LicenseActive", "ExpirationDate", "MaintenanceExpiresAt", "MaxSimCalls", "ProductCode"]) assert.ok(k in s, k);
    assert.deepEqual(sorted((await api("GET", "/xapi/v1/Defs/Pbx.GetLicenseParameters()")).json!), KEYS.licence);
  });

  it("Call Control: DNInfo list, devices, participants, makecall and actions answer a CallControlResult", async () => {
    const dns = (await api("GET", "/callcontrol")).json as unknown as Array<Record<string, unknown>>;
    assert.deepEqual(sorted(dns[0]), KEYS.dnInfo);
    assert.equal(dns[0].type, "Wroutepoint");
    assert.ok(dns.some((d) => d.type === "Wextension"));
    const dev = (await api("GET", "/callcontrol/102/devices")).json as unknown as object[];
    assert.deepEqual(sorted(dev[0]), KEYS.device);
    const made = await api("POST", "/callcontrol/101/makecall", { destination: "102" });
    assert.equal(made.status, 200);
    assert.deepEqual(sorted(made.json!), KEYS.ccResult);
    assert.equal(made.json!.finalstatus, "Success");
    assert.deepEqual(sorted(made.json!.result as object), KEYS.participant);
    const parts = (await api("GET", "/callcontrol/102/participants")).json as unknown as Array<Record<string, unknown>>;
    assert.equal(parts[0].status, "Ringing");
    assert.deepEqual(sorted(parts[0]), KEYS.participant);
    assert.equal((await api("POST", `/callcontrol/102/participants/${parts[0].id}/transferto`, { destination: "103" })).status, 422, "transferto needs Connected");
    assert.equal((await api("POST", `/callcontrol/102/participants/${parts[0].id}/answer`)).status, 200);
    assert.equal((await api("GET", "/callcontrol/102/participants/99999")).status, 404);
    assert.equal((await api("POST", `/callcontrol/102/participants/${parts[0].id}/drop`, {})).status, 200);
  });

  it("a User-role principal: XAPI 403 (OData error body), Call Control and Defs still answer", async () => {
    sim.v20.role = "users";
    try {
      const r = await api("GET", "/xapi/v1/Users");
      assert.equal(r.status, 403);
      assert.equal(typeof (r.json!.error as { message: string }).message, "string");
      assert.equal((await api("PATCH", "/xapi/v1/Users(1)", { QueueStatus: "LoggedOut" })).status, 403);
      assert.equal((await api("GET", "/xapi/v1/Defs?$select=Id")).status, 200);
      assert.equal((await api("GET", "/callcontrol/102/devices")).status, 200);
    } finally {
      sim.v20.role = "system_admins";
    }
  });

  it("a new token revokes the previous one (one live token per principal)", async () => {
    const res = await token({ client_id: "900", client_secret: sim.v20.apiKey, grant_type: "client_credentials" });
    const fresh = String(((await res.json()) as { access_token: string }).access_token);
    assert.equal((await api("GET", "/xapi/v1/Defs?$select=Id")).status, 401, "the old token is dead");
    bearer = fresh;
    assert.equal((await api("GET", "/xapi/v1/Defs?$select=Id")).status, 200);
    assert.equal(sim.v20.liveTokens, 1);
  });
});
