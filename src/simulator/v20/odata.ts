/**
 * The slice of OData v4 the simulated XAPI understands: $filter with eq / contains joined by
 * `and` / `or`, $select, $expand, $orderby, $top (at most 100, as some builds enforce), $skip,
 * $count. Anything else answers 400 with an OData error body, as XAPI does.
 */
import type { Entity } from "./entities";

export class ODataError extends Error {
  constructor(readonly status: number, message: string, readonly target?: string) {
    super(message);
  }

  /** The body shape of Pbx.ODataErrors.ODataError (v20.md §5). */
  body(): unknown {
    return { error: { code: String(this.status), message: this.message, details: this.target ? [{ code: "", message: this.message, target: this.target }] : [] } };
  }
}

type Test = (e: Entity) => boolean;

function literal(text: string): unknown {
  const t = text.trim();
  if (/^'.*'$/s.test(t)) return t.slice(1, -1).replace(/''/g, "'");
  if (t === "true" || t === "false") return t === "true";
  if (/^-?\d+$/.test(t)) return Number(t);
  throw new ODataError(400, `The query specified in the URI is not valid: cannot read the value ${t.slice(0, 40)}`);
}

function clause(text: string): Test {
  const t = text.trim();
  const contains = /^contains\((\w+),\s*('(?:[^']|'')*')\)$/.exec(t);
  if (contains) {
    const [, field, value] = contains;
    const want = String(literal(value)).toLowerCase();
    return (e) => String(e[field] ?? "").toLowerCase().includes(want);
  }
  const eq = /^(\w+) eq (.+)$/.exec(t);
  if (eq) {
    const want = literal(eq[2]);
    return (e) => e[eq[1]] === want;
  }
  throw new ODataError(400, `The query specified in the URI is not valid: unsupported $filter ${t.slice(0, 60)}`);
}

/** Splits on a word outside quotes. */
function splitOutside(text: string, word: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") quoted = !quoted;
    else if (!quoted && text.startsWith(word, i)) {
      parts.push(text.slice(start, i));
      start = i + word.length;
      i += word.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

export function filterOf(text: string | null): Test {
  if (text === null || text.trim() === "") return () => true;
  const ors = splitOutside(text, " or ").map((part) => splitOutside(part, " and ").map(clause));
  return (e) => ors.some((ands) => ands.every((t) => t(e)));
}

const NAV = new Set(["Agents", "Managers", "Members", "Groups", "ForwardingProfiles", "Phones"]);

/** Projects one entity: $select fields (all scalars without it), plus the $expand-ed navigation. */
export function project(e: Entity, select: string | null, expand: readonly string[]): Entity {
  const fields = select ? select.split(",").map((s) => s.trim()).filter((s) => s) : Object.keys(e).filter((k) => !NAV.has(k));
  const out: Entity = {};
  for (const f of fields) if (f in e) out[f] = e[f];
  for (const x of expand) if (x in e) out[x] = e[x];
  return out;
}

export function expandOf(q: URLSearchParams): string[] {
  return (q.get("$expand") ?? "").split(",").map((s) => s.trim()).filter((s) => s);
}

function whole(q: URLSearchParams, name: string, fallback: number): number {
  const v = q.get(name);
  if (v === null) return fallback;
  if (!/^\d+$/.test(v)) throw new ODataError(400, `The query specified in the URI is not valid: ${name} must be a whole number`);
  return Number(v);
}

/** A collection answer for `rows` under the query's options. */
export function collection(context: string, rows: Entity[], q: URLSearchParams): Entity {
  const top = whole(q, "$top", 100);
  if (top > 100) throw new ODataError(400, "The limit of '100' for Top query has been exceeded", "$top");
  const skip = whole(q, "$skip", 0);
  let list = rows.filter(filterOf(q.get("$filter")));
  const order = q.get("$orderby");
  if (order) {
    const [field, dir] = order.trim().split(/\s+/);
    list = [...list].sort((a, b) => String(a[field] ?? "").localeCompare(String(b[field] ?? ""), "en", { numeric: true }) * (dir === "desc" ? -1 : 1));
  }
  const expand = expandOf(q);
  const page = list.slice(skip, skip + top).map((e) => project(e, q.get("$select"), expand));
  return {
    "@odata.context": context,
    ...(q.get("$count") === "true" ? { "@odata.count": list.length } : {}),
    value: page,
  };
}
