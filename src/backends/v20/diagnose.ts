/**
 * "Test connection" on api v20: the token, the version, the licence, and what the principal's
 * role and Call Control access allow, each told apart, so the dialog can say in plain words what
 * will work (v20.md §1, §7: a User role reads Call Control but XAPI refuses it, writes included).
 */
import { V20Client } from "./client";
import { webapiDate } from "./mapping/system";

export interface V20Diagnosis {
  /** A token was issued for the Client ID and API key. */
  readonly token: true;
  readonly version: string;
  /** From SystemStatus / the licence parameters, when the role may read them. */
  readonly licenseExpire?: string;
  readonly concurrentCalls?: number;
  readonly product?: string;
  /** XAPI (the configuration API): "ok", "refused" (403: role too low), "absent" (404: no licence or access). */
  readonly xapi: "ok" | "refused" | "absent" | "error";
  /** Call Control: "ok" with the DNs it reaches, or why not. */
  readonly callControl: "ok" | "refused" | "absent" | "error";
  /** DNs Call Control reaches (the route point and its monitored extensions). */
  readonly monitored: readonly string[];
  /** Plain-word notes for the dialog (what will be refused). */
  readonly notes: readonly string[];
}

const state = (status: number): "ok" | "refused" | "absent" | "error" =>
  status >= 200 && status < 300 ? "ok" : status === 403 || status === 401 ? "refused" : status === 404 ? "absent" : "error";

export async function diagnoseV20(client: V20Client): Promise<V20Diagnosis> {
  const notes: string[] = [];
  await client.probe("/xapi/v1/Defs", { $select: "Id" }); // X-3CX-Version, readable by any role
  const users = await client.probe("/xapi/v1/Users", { $top: "1", $select: "Id" });
  const xapi = state(users.status);
  let licenseExpire: string | undefined;
  let concurrentCalls: number | undefined;
  let product: string | undefined;
  const status = xapi === "ok" ? await client.probe("/xapi/v1/SystemStatus") : undefined;
  if (status && status.status === 200 && typeof status.data === "object" && status.data !== null) {
    const s = status.data as Record<string, unknown>;
    licenseExpire = typeof s.ExpirationDate === "string" ? webapiDate(s.ExpirationDate) : undefined;
    concurrentCalls = typeof s.MaxSimCalls === "number" ? s.MaxSimCalls : undefined;
    product = typeof s.ProductCode === "string" ? s.ProductCode : undefined;
  }
  const cc = await client.probe("/callcontrol");
  const callControl = state(cc.status);
  const monitored = Array.isArray(cc.data)
    ? cc.data.map((d) => (typeof d === "object" && d !== null ? String((d as { dn?: unknown }).dn ?? "") : "")).filter((d) => d !== "")
    : [];
  if (xapi === "refused") {
    notes.push("XAPI refuses this API client (its role is User or it lacks 3CX Configuration API Access): every XAPI read and write (lists, extension details, profiles, queue login, contacts) will be refused; Call Control methods still work");
  } else if (xapi === "ok") {
    notes.push("XAPI reads work; XAPI writes (profile, queue login, queues, ring groups, contacts, extensions) need a System Admin or System Owner role");
  } else {
    notes.push(`XAPI is not available (HTTP ${users.status}): check the licence (8SC+ Enterprise) and 3CX Configuration API Access`);
  }
  if (callControl !== "ok") {
    notes.push(`Call Control is not available (HTTP ${cc.status}): check 3CX Call Control API Access and the licence; makecall, drop, answer, transfer, ext.state.get and ext.devices.get will fail`);
  } else if (monitored.length <= 1) {
    notes.push("Call Control reaches no extension: add the extensions the flows use under \"extensions to monitor\"");
  }
  return {
    token: true, version: client.version,
    ...(licenseExpire ? { licenseExpire } : {}), ...(concurrentCalls !== undefined ? { concurrentCalls } : {}), ...(product ? { product } : {}),
    xapi, callControl, monitored, notes,
  };
}
