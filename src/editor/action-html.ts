/**
 * The editor html of one action node, generated from the catalog: the shared editor script
 * (defined once however many nodes include it), the node's spec, a literal
 * `RED.nodes.registerType('3cx-<x>', { category: '3CX', defaults: {…} … })` (the Flow Library
 * scorecard parses it) and the edit form with one row per parameter name.
 */
import fs from "node:fs";
import path from "node:path";
import type { HomeNode } from "../catalog";
import { defaultsSource, editorSpec } from "./action-spec";
import { fieldProp, fieldsOf, typeProp } from "../operations/offers";
import { pbxListsScript } from "./pbx-lists";

/** One colour for every node of the package (config and monitor too). */
export const NODE_COLOR = "#74B4E0";
export const CATEGORY = "3CX";

const BROWSER_DIR = path.resolve(__dirname, "../../../src/editor/browser");

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

function formRow(type: string, name: string, pickable: boolean): string {
  const pick = pickable
    ? `\n    <button type="button" class="red-ui-button threecx-pick" data-i18n="[title]${type}.editor.pick"><i class="fa fa-list-ul"></i></button>`
    : "";
  return `  <div class="form-row threecx-row" id="node-3cx-row-${name}">
    <label for="node-input-${fieldProp(name)}"><span class="threecx-name">${name}</span><span class="threecx-req">*</span></label>
    <input type="text" id="node-input-${fieldProp(name)}">
    <input type="hidden" id="node-input-${typeProp(name)}">${pick}
    <div class="threecx-hint"></div>
  </div>`;
}

function form(home: HomeNode): string {
  const type = `3cx-${home}`;
  const pickable = new Set(editorSpec(home).offers.flatMap((o) => o.params.filter((p) => p.pick).map((p) => p.name)));
  const rows = fieldsOf(home).map((p) => formRow(type, p.name, pickable.has(p.name)));
  return `<script type="text/html" data-template-name="${type}">
  <div class="form-row">
    <label for="node-input-server"><i class="fa fa-server"></i> <span data-i18n="${type}.label.server"></span></label>
    <input type="text" id="node-input-server">
  </div>
  <div class="form-row">
    <label for="node-input-method"><i class="fa fa-tasks"></i> <span data-i18n="${type}.label.method"></span></label>
    <select id="node-input-method" style="width: 70%"></select>
  </div>
  <div class="threecx-desc" id="node-3cx-description"></div>
${rows.join("\n")}
  <div class="form-row">
    <label for="node-input-name"><i class="fa fa-tag"></i> <span data-i18n="node-red:common.label.name"></span></label>
    <input type="text" id="node-input-name" data-i18n="[placeholder]node-red:common.label.name">
  </div>
</script>`;
}

export function actionNodeHtml(home: HomeNode): string {
  const type = `3cx-${home}`;
  const lib = fs.readFileSync(path.join(BROWSER_DIR, "action-editor.js"), "utf8").trim();
  return `${pbxListsScript()}
<script type="text/javascript">
${lib}
ThreeCxEditor.define(${scriptJson(type)}, ${scriptJson(editorSpec(home))});
RED.nodes.registerType('${type}', {
    category: '${CATEGORY}',
    color: '${NODE_COLOR}',
    defaults: ${defaultsSource(home)},
    inputs: 1,
    outputs: 1,
    icon: '${type}.svg',
    align: 'left',
    paletteLabel: function () { return this._('${type}.paletteLabel'); },
    label: function () { return ThreeCxEditor.label(this); },
    labelStyle: function () { return this.name ? 'node_label_italic' : ''; },
    oneditprepare: function () { ThreeCxEditor.prepare(this); },
    oneditsave: function () { ThreeCxEditor.close(); },
    oneditcancel: function () { ThreeCxEditor.close(); }
});
</script>

${form(home)}
`;
}
