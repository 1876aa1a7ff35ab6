/** The shared picker-list script (src/editor/browser/pbx-lists.js) as a <script> block for an editor file. */
import fs from "node:fs";
import path from "node:path";

const SOURCE = path.resolve(__dirname, "../../../src/editor/browser/pbx-lists.js");

/** Marks where a hand-written editor template wants the shared script. */
export const PBX_LISTS_MARKER = /<!--\s*3cx:pbx-lists\s*-->/;

export function pbxListsScript(): string {
  return `<script type="text/javascript">\n${fs.readFileSync(SOURCE, "utf8").trim()}\n</script>`;
}
