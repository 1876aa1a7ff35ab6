// README.md, the newcomer's first page: its node reference is what scripts/gen-readme.js makes
// from the catalog and the seed right now, and the hand-written parts name every example, error
// code, event and node type the code has, and the commands a newcomer types.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { METHODS } from "../../src/catalog";
import { EVENT_NAMES } from "../../src/monitor";
import { OPERATIONS } from "../../src/operations/operations";
import { exampleLabels } from "../examples/support";
import { REPO_ROOT } from "../support/red-process";

interface Generator {
  renderReference(): string;
  withReference(readme: string, reference: string): string;
  START: string;
  END: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gen = require(path.join(REPO_ROOT, "scripts", "gen-readme.js")) as Generator;

const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

/** A section's text: from its `## ` heading to the next. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a section "${title}"`);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe("README.md", () => {
  it("has the node reference as scripts/gen-readme.js generates it now (run it after changing the catalog)", () => {
    assert.equal(gen.withReference(readme, gen.renderReference()), readme);
  });

  it("the reference has every catalog method and friendly operation, each with its parameters", () => {
    const reference = readme.slice(readme.indexOf(gen.START), readme.indexOf(gen.END));
    for (const m of METHODS) {
      assert.ok(reference.includes(`#### \`${m.name}\`: ${m.label}`), m.name);
      for (const p of m.params) assert.ok(reference.includes(`| \`${p.name}\` |`), `${m.name} ${p.name}`);
    }
    for (const op of OPERATIONS) assert.ok(reference.includes(`#### \`${op.name}\`: ${op.label}`), op.name);
    assert.ok(reference.includes('"licenseExpire": "02.05.2031 20:32:11"'), "the seed's answers");
  });

  it("says how to install, try, test and run the simulator, with the literal commands", () => {
    for (const text of ["npm install && npm start", "npm test", "npm install @node-red-3cx/webapi", "Manage palette", "npx 3cx-webapi-simulator --help"]) {
      assert.ok(readme.includes(text), text);
    }
  });

  it("shows the pictures the browser tests take", () => {
    assert.match(readme, /!\[[^\]]+\]\(docs\/images\/flow\.png\)/);
    assert.match(readme, /!\[[^\]]+\]\(docs\/images\/edit-dialog\.png\)/);
  });

  it("lists every example flow and every node type", () => {
    const examples = section("Example flows");
    for (const label of exampleLabels()) assert.ok(examples.includes(`| ${label} |`), label);
    const nodes = section("The nodes");
    for (const type of ["3cx-config", "3cx-call", "3cx-ext", "3cx-queue", "3cx-contact", "3cx-pbx", "3cx-monitor"]) assert.ok(nodes.includes(`\`${type}\``), type);
  });

  it("troubleshooting has a row for every error code the client, the resolver and the nodes give", () => {
    const source = fs.readFileSync(path.join(REPO_ROOT, "src", "client", "errors.ts"), "utf8");
    const union = /export type ErrorCode =([^;]+);/.exec(source)?.[1] ?? "";
    const codes = [...union.matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]);
    assert.ok(codes.length >= 8, union);
    if (union.includes("`HTTP_${number}`")) codes.push("HTTP_<status>");
    for (const op of OPERATIONS) if (op.lookup) codes.push(op.lookup.missingCode);
    const table = section("Troubleshooting by error code");
    for (const code of new Set(codes)) assert.ok(table.includes(`| \`${code}\` |`), code);
  });

  it("the monitor section has every event in its table, and the msg contract its rules", () => {
    const monitor = section("3cx-monitor: call and PBX events");
    for (const e of [...EVENT_NAMES, "snapshot"]) assert.ok(monitor.includes(`\`${e}\``), e);
    const contract = section("Messages in and out (the msg contract)");
    for (const text of ["msg.payload.<parameter>", "msg.method", "msg.threecx", "msg.error.code", "exactly once", "requesting"]) {
      assert.ok(contract.includes(text), text);
    }
  });

  it("covers security, compatibility and the undocumented parts", () => {
    const security = section("Security");
    for (const text of ["credential", "tls-config", "token", "allow-list"]) assert.ok(security.includes(text), text);
    const compat = section("Compatibility");
    for (const text of ["4.1", "5.0", "Node 20", "Node 22"]) assert.ok(compat.includes(text), text);
    assert.match(section("Where the WebAPI is undocumented: our design decisions"), /401.*Invalid access key/s);
  });
});
