/**
 * A V20Source for one PBX from what the V20 backend's client offers: its base URL and TLS settings,
 * its principal's shared bearer tokens, and GETs of Call Control paths. The socket asks for a fresh
 * token by invalidating the one the PBX refused, so the token manager (one per principal) renews it
 * for every user of the principal at once.
 */
import type { TlsOptions } from "../../client";
import type { CallControlReader } from "./feed";
import type { SocketTls } from "./socket";
import { V20Source, type V20SourceOptions } from "./source";

export interface V20Access {
  /** `https://host:port`, as the client normalised `fqdn`. */
  readonly baseUrl: string;
  readonly tls?: TlsOptions;
  bearer(): Promise<string>;
  invalidateToken(token: string): void;
  /** `GET {path}` of Call Control, JSON parsed; `null` on a 404. */
  callControl(path: string, signal: AbortSignal): Promise<unknown>;
}

/** `https://pbx:5001` → `wss://pbx:5001/callcontrol/ws` (http → ws for a simulator on 127.0.0.1). */
export function callControlWsUrl(baseUrl: string): string {
  const u = new URL(baseUrl);
  u.protocol = u.protocol === "http:" ? "ws:" : "wss:";
  u.pathname = "/callcontrol/ws";
  u.search = "";
  u.hash = "";
  return u.toString();
}

function socketTls(t: TlsOptions | undefined): SocketTls | undefined {
  if (!t) return undefined;
  // servername is not in ws's option types, but ws hands it to tls.connect as https does.
  const out: SocketTls & { servername?: string } = {};
  if (t.ca !== undefined) out.ca = t.ca;
  if (t.cert !== undefined) out.cert = t.cert;
  if (t.key !== undefined) out.key = t.key;
  if (t.passphrase !== undefined) out.passphrase = t.passphrase;
  if (t.rejectUnauthorized !== undefined) out.rejectUnauthorized = t.rejectUnauthorized;
  if (t.servername !== undefined) out.servername = t.servername;
  return out;
}

export function v20SourceFor(access: V20Access, over: Partial<Omit<V20SourceOptions, "reader" | "token" | "url">> = {}): V20Source {
  let last: string | undefined;
  const reader: CallControlReader = {
    entity: (path, signal) => access.callControl(path, signal),
    all: (signal) => access.callControl("/callcontrol", signal),
  };
  const tls = socketTls(access.tls);
  return new V20Source({
    ...over,
    url: callControlWsUrl(access.baseUrl),
    ...(tls ? { tls } : {}),
    reader,
    token: async (fresh) => {
      if (fresh && last !== undefined) access.invalidateToken(last);
      last = await access.bearer();
      return last;
    },
  });
}
