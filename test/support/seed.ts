/**
 * Reads the vendor's method list (test/fixtures/seed-2.1.9.txt, a verbatim copy of the seed) into
 * example requests and their example answers. Tests hold the catalog, the simulator and the nodes
 * to these facts, so they are parsed from the document itself, never retyped.
 */
import fs from "node:fs";
import path from "node:path";

export interface SeedExample {
  /** The line above the URL, e.g. "Get 3CX extension status". */
  readonly title: string;
  /** Our method name: the path, or "info" for the bare license call. */
  readonly method: string;
  /** The path after /webapi/{key}/ ("" for info). */
  readonly path: string;
  /** Query parameters in document order, exactly as written (a bare `status` has value ""). */
  readonly rawParams: ReadonlyArray<readonly [string, string]>;
  /**
   * Parameters usable in a request: placeholders such as `{0/1}` become their first option and
   * `{}` (no value given) is left out.
   */
  readonly params: Readonly<Record<string, string>>;
  /** The example JSON answer. */
  readonly response: unknown;
}

export const SEED_FILE = path.resolve(__dirname, "../../../test/fixtures/seed-2.1.9.txt");

const URL_LINE = /^https:\/\/\{\{3CXFQDN\}\}\/webapi\/[^/]+\/(.*)$/;

/** Returns the balanced JSON object that starts at or after `from`, and where it ends. */
function readJson(text: string, from: number): { value: unknown; end: number } {
  const start = text.indexOf("{", from);
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return { value: JSON.parse(text.slice(start, i + 1)), end: i + 1 };
    }
  }
  throw new Error(`seed: unbalanced JSON after offset ${from}`);
}

function usable(value: string): string | undefined {
  if (value === "{}") return undefined;
  const options = /^\{(.+)\}$/.exec(value);
  return options ? options[1].split("/")[0] : value;
}

export function loadSeedExamples(file = SEED_FILE): SeedExample[] {
  const text = fs.readFileSync(file, "utf8");
  const lines = text.split(/\r?\n/);
  const out: SeedExample[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const lineStart = offset;
    offset += lines[i].length + 1;
    const m = URL_LINE.exec(lines[i].trim());
    if (!m) continue;
    const [pathPart, query = ""] = m[1].split("?", 2) as [string, string?];
    const rawParams = query === "" ? [] : query.split("&").map((pair): [string, string] => {
      const eq = pair.indexOf("=");
      return eq < 0 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
    });
    const params: Record<string, string> = {};
    for (const [k, v] of rawParams) {
      const u = usable(v);
      if (u !== undefined) params[k] = u;
    }
    const { value } = readJson(text, lineStart + lines[i].length);
    out.push({
      title: lines[i - 1]?.trim() ?? "",
      method: pathPart === "" ? "info" : pathPart,
      path: pathPart,
      rawParams,
      params,
      response: value,
    });
  }
  return out;
}
