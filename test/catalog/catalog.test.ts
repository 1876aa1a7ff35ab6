// The catalog against its sources: the seed (methods and parameter names) and SPEC §2 (home nodes).
import assert from "node:assert/strict";
import { getMethod, METHODS, methodsOf, type HomeNode } from "../../src/catalog";
import { loadSeedExamples } from "../support/seed";

// SPEC §2, retyped on purpose: an independent statement of which node owns which method.
const SPEC_HOMES: Record<HomeNode, string[]> = {
  call: ["makecall", "drop", "answer", "transfer", "join", "pbx.calls.get", "pbx.ac.get", "pbx.callsinfo.get"],
  ext: ["all.ext.get", "all.registered.get", "ext.info.get", "ext.state.get", "ext.devices.get", "ext.fwd.set", "ext.queueglobal.set",
    "ext.queue.set", "ext.options.set", "ext.new", "ext.del", "ext.update"],
  queue: ["all.queue.get", "queue.members.get", "queue.free.get", "queue.talk.get", "queue.isfree.get", "queue.agents.set",
    "queue.managers.set", "queue.new", "queue.update", "queue.del"],
  contact: ["contact.find", "contact.get", "contact.new", "contact.update", "contact.del"],
  pbx: ["info", "all.line.get", "all.group.get", "group.members.get", "group.free.get", "group.members.set", "all.ivr.get",
    "all.extgroup.get", "extgroup.members.get", "cfd.reset", "csv.reread"],
};

// SPEC §4: what is sent exactly once.
const isWriteByName = (name: string): boolean =>
  ["makecall", "drop", "answer", "transfer", "join", "cfd.reset", "csv.reread"].includes(name) ||
  /\.(set|new|update|del)$/.test(name);

describe("catalog", () => {
  const seed = loadSeedExamples();

  it("has the seed's 46 methods, and no others", () => {
    assert.equal(seed.length, 46);
    assert.deepEqual(METHODS.map((m) => m.name).sort(), seed.map((e) => e.method).sort());
  });

  for (const example of seed) {
    it(`${example.method}: path and every seed parameter name`, () => {
      const method = getMethod(example.method);
      assert.ok(method, `${example.method} missing`);
      assert.equal(method.path, example.path);
      const names = method.params.map((p) => p.name);
      for (const [param] of example.rawParams) assert.ok(names.includes(param), `${example.method} lacks parameter ${param}`);
    });
  }

  it("adds the 3.x makecall parameters contact and timeout", () => {
    const names = getMethod("makecall")?.params.map((p) => p.name);
    assert.deepEqual(names, ["first", "second", "contact", "timeout"]);
  });

  it("puts every method in its SPEC §2 home node, exactly once", () => {
    for (const [node, names] of Object.entries(SPEC_HOMES) as [HomeNode, string[]][]) {
      assert.deepEqual(methodsOf(node).map((m) => m.name).sort(), [...names].sort(), node);
    }
  });

  it("marks writes and call control as writes, everything else as reads", () => {
    for (const m of METHODS) assert.equal(m.kind, isWriteByName(m.name) ? "write" : "read", m.name);
  });

  it("has unique parameter names per method, with a hint each", () => {
    for (const m of METHODS) {
      const names = m.params.map((p) => p.name);
      assert.equal(new Set(names).size, names.length, m.name);
      for (const p of m.params) assert.ok(p.hint.length > 3, `${m.name}.${p.name} hint`);
    }
  });

  it("offers polling strategies 0-13 without 2, default 3", () => {
    const p = getMethod("queue.new")?.params.find((x) => x.name === "pollingstrategy");
    assert.ok(p && p.type === "enum");
    assert.deepEqual(p.values.map((v) => Number(v.value)), [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    assert.match(p.values.find((v) => v.value === "3")?.label ?? "", /default/);
  });

  it("encodes flags the way each method's seed example writes them", () => {
    const encodingOf = (method: string, param: string): string | undefined => {
      const p = getMethod(method)?.params.find((x) => x.name === param);
      return p?.type === "boolean" ? p.encoding : undefined;
    };
    for (const e of seed) {
      for (const [name, value] of e.rawParams) {
        const enc = encodingOf(e.method, name);
        if (value === "on" || value === "off") assert.equal(enc, "onoff", `${e.method}.${name}`);
        if (enc === "01") assert.match(value, /^(0|1|\{0\/1\})$/, `${e.method}.${name}`);
      }
    }
  });

  it("marks list parameters where the seed shows comma lists", () => {
    for (const e of seed) {
      for (const [name, value] of e.rawParams) {
        if (/^\d+(,\d+)+$/.test(value)) assert.equal(getMethod(e.method)?.params.find((p) => p.name === name)?.type, "list", `${e.method}.${name}`);
      }
    }
  });
});
