/**
 * Sends one offer: a catalog method as it is, or an operation mapped onto its target (renamed and
 * fixed parameters, and a read first when a looked-up parameter was left blank). The target is
 * always called exactly once; only the look-up, a read, may be retried by the client.
 */
import { getMethod, type MethodSpec } from "../../src/catalog";
import type { PbxClient } from "../../src/backends";
import { encodeValue } from "../../src/resolver";
import { ActionError } from "./errors";
import { toTargetParams, type Offer } from "../../src/operations/offers";
import type { Lookup } from "../../src/operations/operations";

/** The part of the client the action nodes use. */
type CallingClient = Pick<PbxClient, "call">;

export interface OfferResult {
  readonly data: unknown;
  /** The target's wire parameters as sent. */
  readonly params: Record<string, string>;
  /** All requests of the offer together. */
  readonly durationMs: number;
  /** The call id the PBX answered (makecall on 3.x). */
  readonly chid?: string;
}

/** An own data property along `path`, or undefined. */
function dig(data: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = data;
  for (const key of path) {
    if (typeof cur !== "object" || cur === null) return undefined;
    const d = Object.getOwnPropertyDescriptor(cur, key);
    cur = d && "value" in d ? d.value : undefined;
  }
  return cur;
}

async function lookUp(client: CallingClient, offer: Offer, lookup: Lookup, params: Record<string, string>, signal: AbortSignal):
  Promise<{ value: string; durationMs: number }> {
  const method = getMethod(lookup.method) as MethodSpec; // checked when the offers were built
  const args: Record<string, string> = {};
  for (const [arg, from] of Object.entries(lookup.args)) args[arg] = params[from];
  const result = await client.call(method, args, { signal });
  const found = dig(result.data, lookup.path);
  const target = offer.target.params.find((p) => p.name === lookup.param);
  if (found === undefined || found === null || found === "" || !target) {
    const asked = Object.entries(args).map(([k, v]) => `${k}=${v}`).join(", ");
    throw new ActionError(lookup.missingCode, `${offer.name}: ${lookup.method} (${asked}) gave no ${lookup.param} to use; set ${lookup.param}`);
  }
  return { value: encodeValue(target, found), durationMs: result.durationMs };
}

export async function callOffer(client: CallingClient, offer: Offer, viewParams: Record<string, string>, signal: AbortSignal):
  Promise<OfferResult> {
  const params = toTargetParams(offer, viewParams);
  let durationMs = 0;
  const lookup = offer.operation?.lookup;
  if (lookup && params[lookup.param] === undefined) {
    const found = await lookUp(client, offer, lookup, params, signal);
    params[lookup.param] = found.value;
    durationMs += found.durationMs;
  }
  const result = await client.call(offer.target, params, { signal });
  return { data: result.data, params, durationMs: durationMs + result.durationMs, ...(result.chid === undefined ? {} : { chid: result.chid }) };
}
