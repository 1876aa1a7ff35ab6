/**
 * What one action node offers in its method drop-down: its catalog methods (SPEC §2) followed by
 * its friendly operations. Each offer has a `view`: the method as the form and `msg.payload` see
 * it (for an operation: the target's parameters minus the fixed ones, renamed, with its hints).
 * Plain TS with no Node-RED import: the runtime (nodes/), the editor generator and the help share it.
 */
import { getMethod, methodsOf, type HomeNode, type MethodSpec, type ParamSpec } from "../catalog";
import { operationsOf, type Operation } from "./operations";

export interface Offer {
  /** The drop-down value and the accepted msg.method. */
  readonly name: string;
  /** Parameters as the user supplies them. */
  readonly view: MethodSpec;
  /** The catalog method that is called. */
  readonly target: MethodSpec;
  readonly operation?: Operation;
}

function mustGet(name: string, context: string): MethodSpec {
  const m = getMethod(name);
  if (!m) throw new Error(`${context}: unknown catalog method ${name}`);
  return m;
}

/** The operation's parameters: the target's, minus the fixed ones, renamed, re-hinted. */
function operationView(op: Operation, target: MethodSpec): MethodSpec {
  const fixed = op.fixed ?? {};
  const toOp = new Map(Object.entries(op.rename ?? {}).map(([opName, wire]) => [wire, opName]));
  const params: ParamSpec[] = [];
  for (const p of target.params) {
    if (p.name in fixed) continue;
    const name = toOp.get(p.name) ?? p.name;
    params.push({ ...p, name, hint: op.hints?.[name] ?? p.hint, required: p.required && op.lookup?.param !== p.name });
  }
  return {
    name: op.name, path: target.path, node: op.node, kind: target.kind,
    label: op.label, description: op.description, group: op.group, params, answer: target.answer,
  };
}

function buildOffers(node: HomeNode): readonly Offer[] {
  const offers: Offer[] = methodsOf(node).map((m) => ({ name: m.name, view: m, target: m }));
  for (const op of operationsOf(node)) {
    const target = mustGet(op.method, op.name);
    if (op.lookup) mustGet(op.lookup.method, op.name);
    offers.push({ name: op.name, view: operationView(op, target), target, operation: op });
  }
  return offers;
}

const CACHE = new Map<HomeNode, readonly Offer[]>();

export function offersOf(node: HomeNode): readonly Offer[] {
  let offers = CACHE.get(node);
  if (!offers) CACHE.set(node, (offers = buildOffers(node)));
  return offers;
}

/** The node's offers by drop-down group, groups in order of first appearance (the catalog need not keep a group together). */
export function groupsOf(node: HomeNode): ReadonlyArray<{ readonly group: string; readonly offers: readonly Offer[] }> {
  const groups = new Map<string, Offer[]>();
  for (const o of offersOf(node)) {
    const list = groups.get(o.view.group);
    if (list) list.push(o);
    else groups.set(o.view.group, [o]);
  }
  return [...groups].map(([group, offers]) => ({ group, offers }));
}

/**
 * The node's editor fields: every parameter name its offers use, once, in first-seen order, with
 * the first spec seen for that name (the form re-reads the spec of the chosen method).
 */
export function fieldsOf(node: HomeNode): readonly ParamSpec[] {
  const seen = new Map<string, ParamSpec>();
  for (const o of offersOf(node)) for (const p of o.view.params) if (!seen.has(p.name)) seen.set(p.name, p);
  return [...seen.values()];
}

/** Node property names of a parameter's value and TypedInput type (prefixed: `name`, `id` are taken). */
export const fieldProp = (param: string): string => `p_${param}`;
export const typeProp = (param: string): string => `p_${param}Type`;

/** Operation wire parameters → the target's: renamed back, fixed ones added. */
export function toTargetParams(offer: Offer, viewParams: Readonly<Record<string, string>>): Record<string, string> {
  const op = offer.operation;
  if (!op) return { ...viewParams };
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(viewParams)) out[op.rename?.[name] ?? name] = value;
  return { ...out, ...op.fixed };
}
