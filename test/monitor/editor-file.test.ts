// The monitor's editor file, help and message catalogs, read as Node-RED and the Flow Library
// scorecard read them: a literal registerType with inline category/defaults, the package's colour
// and icon, the event list in step with the runtime, every message key present in en-US and de.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as acorn from "acorn";
import * as walk from "acorn-walk";
import { EVENT_NAMES } from "../../src/monitor";
import { CATEGORY, NODE_COLOR } from "../../src/editor/action-html";

const REPO = path.resolve(__dirname, "../../..");
const read = (rel: string): string => fs.readFileSync(path.join(REPO, rel), "utf8");
const HTML = read("nodes/3cx-monitor.html");
const RUNTIME = read("nodes/3cx-monitor.ts");
const LANGS = ["en-US", "de"];

type Obj = acorn.ObjectExpression;

function registration(): Obj {
  const blocks = [...HTML.matchAll(/<script type="text\/javascript">([\S\s]*?)<\/script>/g)].map((m) => m[1]);
  let found: Obj | undefined;
  for (const block of blocks) {
    walk.simple(acorn.parse(block, { ecmaVersion: "latest" }), {
      CallExpression(node) {
        const c = node.callee;
        if (c.type !== "MemberExpression" || c.property.type !== "Identifier" || c.property.name !== "registerType") return;
        const [typeArg, defArg] = node.arguments;
        assert.equal(typeArg.type === "Literal" && typeArg.value, "3cx-monitor");
        assert.equal(defArg.type, "ObjectExpression");
        found = defArg as Obj;
      },
    });
  }
  assert.ok(found, "a registerType('3cx-monitor', {…}) call");
  return found;
}

function prop(obj: Obj, name: string): acorn.Node | undefined {
  for (const p of obj.properties) if (p.type === "Property" && p.key.type === "Identifier" && p.key.name === name) return p.value;
  return undefined;
}

function literal(n: acorn.Node | undefined): unknown {
  return n?.type === "Literal" ? (n as acorn.Literal).value : undefined;
}

function keys(n: acorn.Node | undefined): string[] {
  assert.equal(n?.type, "ObjectExpression", "an inline object literal");
  return (n as Obj).properties.map((p) => (p.type === "Property" && p.key.type === "Identifier" ? p.key.name : "?"));
}

function stringArray(n: acorn.Node | undefined): string[] {
  assert.equal(n?.type, "ArrayExpression");
  return (n as acorn.ArrayExpression).elements.map((e) => String(literal(e ?? undefined)));
}

function catalog(lang: string): Record<string, unknown> {
  return (JSON.parse(read(`locales/${lang}/3cx-monitor.json`)) as Record<string, Record<string, unknown>>)["3cx-monitor"];
}

function has(cat: Record<string, unknown>, dotted: string): boolean {
  let v: unknown = cat;
  for (const part of dotted.split(".")) v = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === "string" && v !== "";
}

function flatKeys(o: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === "object" && v !== null ? flatKeys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe("3cx-monitor editor file, help and catalogs", () => {
  it("registers literally with the package's category, colour and icon, and inline defaults", () => {
    const def = registration();
    assert.equal(literal(prop(def, "category")), CATEGORY);
    assert.equal(literal(prop(def, "color")), NODE_COLOR);
    assert.equal(literal(prop(def, "icon")), "3cx-monitor.svg");
    assert.ok(fs.existsSync(path.join(REPO, "icons/3cx-monitor.svg")));
    assert.deepEqual(keys(prop(def, "defaults")), ["name", "server", "source", "interval", "extensions", "queues", "events", "path", "allow", "statsInterval", "timeZone", "lookupCallers"]);
    const creds = prop(def, "credentials");
    assert.deepEqual(keys(creds), ["token"]);
    assert.equal(literal(prop(prop(creds as Obj, "token") as Obj, "type")), "password");
    assert.equal(literal(prop(def, "inputs")), 1);
    assert.equal(literal(prop(def, "outputs")), 1);
  });

  it("lists exactly the runtime's events, all but webhook.event ticked by default", () => {
    const defaults = prop(registration(), "defaults") as Obj;
    assert.deepEqual(stringArray(prop(prop(defaults, "events") as Obj, "value")), EVENT_NAMES.filter((e) => e !== "webhook.event"));
    const script = /var EVENTS = (\[[^\]]*\])/.exec(HTML);
    assert.ok(script);
    assert.deepEqual(JSON.parse(script[1].replace(/\s+/g, " ")), [...EVENT_NAMES]);
    assert.equal(literal(prop(prop(defaults, "interval") as Obj, "value")), 2);
    assert.equal(literal(prop(prop(defaults, "source") as Obj, "value")), "poll");
  });

  it("every message key the editor and the runtime use exists in en-US and de, and both have the same keys", () => {
    const used = new Set<string>();
    for (const m of HTML.matchAll(/(?<![\w.])tr\("([\w.]+)"/g)) used.add(m[1]);
    for (const m of HTML.matchAll(/data-i18n="(?:\[\w+\])?3cx-monitor\.([\w.]+)"/g)) used.add(m[1]);
    for (const m of HTML.matchAll(/"3cx-monitor\.([\w.]+)"/g)) if (m[1] !== "svg") used.add(m[1]);
    for (const m of RUNTIME.matchAll(/\bt\("([\w.]+)"/g)) used.add(m[1]);
    for (const m of RUNTIME.matchAll(/"(status\.(?:refused|tls|down))"/g)) used.add(m[1]);
    assert.ok(used.size > 20, `found ${used.size} keys`);
    for (const lang of LANGS) {
      const cat = catalog(lang);
      for (const key of used) assert.ok(has(cat, key), `${lang}: 3cx-monitor.${key}`);
    }
    assert.deepEqual(flatKeys(catalog("de")).sort(), flatKeys(catalog("en-US")).sort());
  });

  it("status texts fit a status line; placeholders are the same in every language", () => {
    for (const lang of LANGS) {
      const status = catalog(lang).status as Record<string, string>;
      for (const [k, v] of Object.entries(status)) assert.ok(v.length <= 50, `${lang} status.${k}: ${v}`);
    }
    const en = catalog("en-US");
    const de = catalog("de");
    for (const key of flatKeys(en)) {
      const vars = (c: Record<string, unknown>): string[] => [...String(key.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], c)).matchAll(/__(\w+)__/g)].map((m) => m[1]).sort();
      assert.deepEqual(vars(de), vars(en), key);
    }
  });

  it("help in the Node-RED style for en-US and de, naming every event", () => {
    for (const lang of LANGS) {
      const help = read(`locales/${lang}/3cx-monitor.html`);
      assert.match(help, /<script type="text\/html" data-help-name="3cx-monitor">\s*<p>/, `${lang}: the first paragraph is the tooltip`);
      assert.equal((help.match(/<h3>/g) ?? []).length, 5, `${lang}: Inputs, Outputs, Events, Details, References`);
      for (const e of [...EVENT_NAMES, "snapshot"]) assert.ok(help.includes(e), `${lang} help names ${e}`);
    }
  });
});
