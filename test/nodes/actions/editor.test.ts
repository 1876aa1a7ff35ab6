// The built editor files of the action nodes, read as Node-RED and the Flow Library scorecard read
// them: a literal registerType with inline category/defaults, defaults generated from the catalog,
// one form row per parameter, icons, help in the Node-RED style for en-US and de, and message
// catalogs that hold every key the editor script and the runtime use.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as acorn from "acorn";
import * as walk from "acorn-walk";
import type { HomeNode } from "../../../src/catalog";
import { fieldProp, fieldsOf, groupsOf, offersOf, typeProp } from "../../../src/operations/offers";
import { NODES_DIR } from "../../support/nodered";

const HOMES: HomeNode[] = ["call", "ext", "queue", "contact", "pbx"];
const LANGS = ["en-US", "de"];
const REPO = path.resolve(__dirname, "../../../..");
const read = (file: string): string => fs.readFileSync(file, "utf8");

interface Registration {
  type: string;
  props: Map<string, acorn.Node>;
}

/** Every registerType('<literal>', { … }) in the html's text/javascript blocks, as the scorecard finds them. */
function registrations(html: string): Registration[] {
  const found: Registration[] = [];
  const blocks = [...html.matchAll(/<script.+?type=['"]text\/javascript['"].*?>([\S\s]*?)<\/script>/gi)].map((m) => m[1]);
  assert.ok(blocks.length > 0, "a text/javascript block");
  for (const block of blocks) {
    walk.simple(acorn.parse(block, { ecmaVersion: "latest" }), {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== "MemberExpression" || callee.property.type !== "Identifier" || callee.property.name !== "registerType") return;
        const [typeArg, defArg] = node.arguments;
        assert.equal(typeArg.type, "Literal");
        assert.equal(defArg.type, "ObjectExpression");
        const props = new Map<string, acorn.Node>();
        for (const p of defArg.properties) {
          assert.equal(p.type, "Property");
          assert.equal(p.key.type, "Identifier", "identifier keys (the scorecard reads key.name)");
          props.set(p.key.name, p.value);
        }
        found.push({ type: String(typeArg.value), props });
      },
    });
  }
  return found;
}

const literal = (n: acorn.Node | undefined): unknown => (n?.type === "Literal" ? (n as acorn.Literal).value : undefined);

function objectKeys(n: acorn.Node | undefined): string[] {
  assert.equal(n?.type, "ObjectExpression", "an inline object literal");
  return (n as acorn.ObjectExpression).properties.map((p) => ((p as acorn.Property).key as acorn.Identifier).name);
}

function flatKeys(obj: unknown, prefix = ""): string[] {
  if (typeof obj !== "object" || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => flatKeys(v, prefix ? `${prefix}.${k}` : k));
}

describe("action nodes: built editor files", () => {
  for (const home of HOMES) {
    const type = `3cx-${home}`;
    describe(type, () => {
      let html = "";
      before(() => {
        html = read(path.join(NODES_DIR, `${type}.html`));
      });

      it("registers the type literally with category 3CX, inline defaults, icon, one input and one output", () => {
        const regs = registrations(html);
        assert.deepEqual(regs.map((r) => r.type), [type]);
        const def = regs[0].props;
        assert.equal(literal(def.get("category")), "3CX");
        assert.equal(literal(def.get("inputs")), 1);
        assert.equal(literal(def.get("outputs")), 1);
        assert.equal(literal(def.get("icon")), `${type}.svg`);
        assert.equal(literal(def.get("align")), "left");
        assert.match(String(literal(def.get("color"))), /^#[0-9A-F]{6}$/i);
        for (const fn of ["paletteLabel", "label", "oneditprepare", "oneditsave", "oneditcancel"]) {
          assert.equal(def.get(fn)?.type, "FunctionExpression", fn);
        }
        assert.ok(fs.existsSync(path.join(NODES_DIR, "icons", `${type}.svg`)), "the icon beside the node");
      });

      it("has one default per parameter name of its methods, plus its TypedInput type", () => {
        const keys = objectKeys(registrations(html)[0].props.get("defaults"));
        const expected = ["name", "server", "method"];
        for (const o of offersOf(home)) {
          for (const p of o.view.params) {
            if (!expected.includes(fieldProp(p.name))) expected.push(fieldProp(p.name), typeProp(p.name));
          }
        }
        assert.deepEqual(keys.sort(), expected.sort());
        assert.ok(!keys.some((k) => ["id", "type", "x", "y", "z", "g", "wires", "info", "d"].includes(k)), "no reserved property");
      });

      it("has a form row, value input and hidden type input for every field", () => {
        for (const p of fieldsOf(home)) {
          assert.ok(html.includes(`id="node-3cx-row-${p.name}"`), p.name);
          assert.ok(html.includes(`<input type="text" id="node-input-${fieldProp(p.name)}">`), p.name);
          assert.ok(html.includes(`<input type="hidden" id="node-input-${typeProp(p.name)}">`), p.name);
        }
        assert.ok(html.includes('<select id="node-input-method"'));
        assert.ok(html.includes('<input type="text" id="node-input-server">'));
      });

      for (const lang of LANGS) {
        it(`${lang}: sidebar help in the Node-RED style, listing every method with its parameters`, () => {
          const help = read(path.join(NODES_DIR, "locales", lang, `${type}.html`));
          assert.match(help, new RegExp(`^<script type="text/html" data-help-name="${type}">\\s*<p>[^<{]{40,}</p>`));
          for (const h of lang === "de" ? ["Eingaben", "Ausgaben", "Details", "Referenzen"] : ["Inputs", "Outputs", "Details", "References"]) {
            assert.ok(help.includes(`<h3>${h}</h3>`), h);
          }
          assert.doesNotMatch(help, /\{\{\w+\}\}/, "no unfilled placeholder");
          assert.equal(help.match(/<h4>/g)?.length, groupsOf(home).length, "one heading per group");
          for (const o of offersOf(home)) {
            const entry = help.slice(help.indexOf(`<code>${o.name}</code> <span`));
            assert.ok(entry.length < help.length, `${o.name} listed`);
            const dd = entry.slice(0, entry.indexOf("</dd>"));
            for (const p of o.view.params) assert.ok(dd.includes(`<li><code>${p.name}</code>`), `${o.name} ${p.name}`);
          }
        });

        it(`${lang}: the message catalog has every key the editor and runtime use`, () => {
          const catalog = JSON.parse(read(path.join(NODES_DIR, "locales", lang, `${type}.json`))) as Record<string, unknown>;
          const keys = new Set(flatKeys(catalog[type]));
          const lib = read(path.join(REPO, "src/editor/browser/action-editor.js"));
          const used = [...lib.matchAll(/tr\([\w.]+, "([\w.]+)"/g)].map((m) => m[1]).filter((k) => !k.endsWith(".")); // "methods." + slug: dynamic
          used.push(...[...lib.matchAll(/key: "(\w+)"/g)].map((m) => `validation.${m[1]}`));
          used.push("paletteLabel", "label.server", "label.method", "editor.pick", "label.byMsg");
          used.push(...["requesting", "requestingMany", "ok", "false", "items", "noServer", "badMethod"].map((k) => `status.${k}`));
          used.push("warn.methodIgnored", "help.summary", "help.details");
          assert.ok(used.length > 25);
          for (const k of used) assert.ok(keys.has(k), `${lang}/${type}.json lacks ${k}`);
          if (lang === "de") {
            for (const o of offersOf(home)) {
              const slug = o.name.toLowerCase().replace(/[^a-z0-9]+/g, "_");
              assert.ok(keys.has(`methods.${slug}`) && keys.has(`descriptions.${slug}`), `de label of ${o.name}`);
              for (const p of o.view.params) {
                const hint = p.hint.toLowerCase().replace(/[^a-z0-9]+/g, "_");
                assert.ok(keys.has(`hints.${hint}`), `de hint of ${o.name} ${p.name}`);
              }
            }
          }
        });
      }
    });
  }

  it("uses one colour for all action nodes", () => {
    const colours = new Set(HOMES.map((h) => literal(registrations(read(path.join(NODES_DIR, `3cx-${h}.html`)))[0].props.get("color"))));
    assert.equal(colours.size, 1);
  });

  it("the icon family: one SVG per node of the package, white on transparent", () => {
    const pkg = JSON.parse(read(path.join(REPO, "package.json"))) as { "node-red": { nodes: Record<string, string> } };
    for (const type of Object.keys(pkg["node-red"].nodes)) {
      const svg = read(path.join(REPO, "icons", `${type}.svg`));
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="40" height="60" viewBox="0 0 40 60">/, type);
      const colours = [...svg.matchAll(/(?:fill|stroke)="([^"]+)"/g)].map((m) => m[1]);
      assert.ok(colours.length > 0 && colours.every((c) => c === "#fff" || c === "none"), `${type}: only white`);
      assert.doesNotMatch(svg, /<rect[^>]*fill="#fff"[^>]*width="40"/, `${type}: no background`);
    }
  });

  it("passes other templates through unchanged", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { renderHtml } = require(path.join(REPO, "dist/src/editor/render-html.js")) as { renderHtml(t: string, type: string): string };
    const other = "<script type=\"text/javascript\">RED.nodes.registerType('x', {});</script>";
    assert.equal(renderHtml(other, "3cx-config"), other);
    assert.throws(() => renderHtml("<!-- 3cx:action-node -->", "3cx-config"), /not an action node/);
  });
});
