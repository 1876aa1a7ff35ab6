/** Extensions: details, state, devices, forwarding profile, global queue login, create/delete. */
import type { Exchange, V20Method } from "./types";
import { XAPI, asRows, bool, byNumber, fail, idOf, mapped, noEquivalent, str, type Row } from "./util";
import { profileFromXapi, profileToXapi, recordType } from "./names";

const user = (x: Exchange, num: string, select: string): Promise<Row> => byNumber(x, "Users", num, "extension", { $select: `Id,${select}` });

/** The WebAPI's call status of a DN from its Call Control participants (the DN must be monitored). */
export async function callStatus(x: Exchange, num: string): Promise<string> {
  const parts = asRows(x, await x.get(`/callcontrol/${encodeURIComponent(num)}/participants`), "participants");
  const statuses = parts.map((p) => str(p, "status"));
  if (statuses.includes("Connected")) return "Talking";
  if (statuses.includes("Ringing")) return "Ringing";
  if (statuses.includes("Dialing")) return "Dialing";
  return "Free";
}

async function patchUser(x: Exchange, num: string, body: Readonly<Record<string, unknown>>): Promise<void> {
  const u = await user(x, num, "Number");
  await x.send("PATCH", `${XAPI}/Users(${idOf(x, u, "user")})`, body);
}

export const EXTENSIONS: Readonly<Record<string, V20Method>> = {
  "ext.info.get": mapped("medium", `GET ${XAPI}/Users?$filter=Number eq '…'&$select=…`, async (x, p) => {
    const u = await user(x, p.num, "Number,FirstName,LastName,EmailAddress,Mobile,Enabled,Internal,RecordCalls,RecordExternalCallsOnly");
    return {
      num: str(u, "Number"), name: str(u, "FirstName"), lastname: str(u, "LastName"), email: str(u, "EmailAddress"),
      mobile: str(u, "Mobile"), enabled: bool(u, "Enabled"), externalCalls: !bool(u, "Internal"),
      recordType: recordType(bool(u, "RecordCalls"), bool(u, "RecordExternalCallsOnly")),
    };
  }),

  "ext.state.get": mapped("medium", `GET ${XAPI}/Users?$filter=Number eq '…'&$select=IsRegistered,CurrentProfileName,QueueStatus + GET /callcontrol/{num}/participants (monitored DN)`, async (x, p) => {
    const u = await user(x, p.num, "Number,IsRegistered,CurrentProfileName,QueueStatus");
    const status = await callStatus(x, p.num);
    return {
      num: str(u, "Number"), registered: bool(u, "IsRegistered"), status,
      fwdName: profileFromXapi(str(u, "CurrentProfileName")), qGlobalStatus: str(u, "QueueStatus") === "LoggedIn",
      // V20 has no per-queue login (v20.md §10): the list stays empty rather than guessed.
      qStatus: [],
    };
  }),

  "ext.devices.get": mapped("medium", "GET /callcontrol/{num}/devices (monitored DN); device_id is the contact", async (x, p) => {
    const devices = asRows(x, await x.get(`/callcontrol/${encodeURIComponent(p.num)}/devices`), "devices")
      .map((d) => ({ userAgent: str(d, "user_agent"), contact: str(d, "device_id") }));
    return { count: devices.length, devices };
  }),

  "ext.fwd.set": mapped("medium", `PATCH ${XAPI}/Users({Id}) {"CurrentProfileName": …} (admin role)`, async (x, p) => {
    noEquivalent(x, p, ["message"], "no tested write of a profile's custom message");
    if (p.status === undefined || p.status === "") throw fail(x, "BAD_PARAM", "status is required on the 3CX V20 API (the profile to switch to); nothing was sent");
    const profile = profileToXapi(p.status);
    if (!profile) {
      throw fail(x, "BAD_PARAM", `status "${p.status.slice(0, 40)}" is not a profile the V20 API knows (Available, Away, Out of office, Custom 1, Custom 2); nothing was sent`);
    }
    await patchUser(x, p.num, { CurrentProfileName: profile });
    return { result: true };
  }),

  "ext.queueglobal.set": mapped("medium", `PATCH ${XAPI}/Users({Id}) {"QueueStatus": "LoggedIn" | "LoggedOut"} (admin role)`, async (x, p) => {
    await patchUser(x, p.num, { QueueStatus: p.log === "on" ? "LoggedIn" : "LoggedOut" });
    return { result: true };
  }),

  "ext.new": mapped("low", `POST ${XAPI}/Users {"Number": num} (admin role)`, async (x, p) => {
    await x.send("POST", `${XAPI}/Users`, { Number: p.num });
    return { result: "Create extension" };
  }),

  "ext.del": mapped("low", `DELETE ${XAPI}/Users({Id}) (admin role)`, async (x, p) => {
    const u = await user(x, p.num, "Number");
    await x.send("DELETE", `${XAPI}/Users(${idOf(x, u, "user")})`);
    return { result: "Delete extension" };
  }),
};
