/**
 * Turns a node's editor template (nodes/<type>.html) into the file Node-RED serves. A template
 * that is only the marker `<!-- 3cx:action-node -->` becomes the whole generated editor of that
 * action node (src/editor/action-html.ts), and its sidebar help is written beside the built node
 * (dist/nodes/locales/<lang>/<type>.html). `<!-- 3cx:pbx-lists -->` becomes the shared picker-list
 * script (src/editor/pbx-lists.ts). A template without markers is passed through.
 */
import path from "node:path";
import type { HomeNode } from "../catalog";
import { actionNodeHtml } from "./action-html";
import { writeActionHelp } from "./action-help";
import { PBX_LISTS_MARKER, pbxListsScript } from "./pbx-lists";

const MARKER = /<!--\s*3cx:action-node\s*-->/;
const ACTION_HOMES: readonly HomeNode[] = ["call", "ext", "queue", "contact", "pbx"];
/** Where scripts/build.js puts the built nodes (this file runs from dist/src/editor). */
const BUILT_LOCALES = path.resolve(__dirname, "../../nodes/locales");

export function renderHtml(source: string, type: string): string {
  const template = source.replace(PBX_LISTS_MARKER, () => pbxListsScript());
  const marker = MARKER.exec(template);
  if (!marker) return template;
  const home = ACTION_HOMES.find((h) => `3cx-${h}` === type);
  if (!home) throw new Error(`renderHtml: ${type} is not an action node (3cx-${ACTION_HOMES.join("|3cx-")})`);
  writeActionHelp(home, BUILT_LOCALES);
  return template.replace(marker[0], () => actionNodeHtml(home));
}
