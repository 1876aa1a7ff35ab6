// The directory behind NOT_FOUND (SPEC §4), on a fake clock and a fake list reader: lazy reads,
// the background refresh, the one re-read before refusing, shared reads, what a write teaches it,
// and the check itself (which parameters are checked, which never are).
import assert from "node:assert/strict";
import { getMethod, type MethodSpec } from "../../src/catalog";
import { checkNumbers, Directory, noteWrite } from "../../src/directory";

/** A PBX's lists the test can change, counting reads; `gate` holds reads until released. */
class FakeLists {
  readonly lists: Record<string, unknown> = {
    "all.ext.get": { nums: ["100", "101", "102"] },
    "all.queue.get": { nums: ["802", "804"] },
    "all.group.get": { nums: ["803"] },
  };
  readonly reads: Array<{ method: string; background: boolean }> = [];
  fail = false;
  gate: Promise<void> | undefined;

  readonly reader = async (method: string, background: boolean): Promise<unknown> => {
    this.reads.push({ method, background });
    if (this.gate) await this.gate;
    if (this.fail) throw Object.assign(new Error("down"), { code: "UNREACHABLE" });
    return structuredClone(this.lists[method]);
  };

  add(method: string, num: string): void {
    (this.lists[method] as { nums: string[] }).nums.push(num);
  }
}

function spec(name: string): MethodSpec {
  const m = getMethod(name);
  assert.ok(m);
  return m;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("directory", () => {
  let pbx: FakeLists;
  let clock: number;
  let dir: Directory;
  beforeEach(() => {
    pbx = new FakeLists();
    clock = 1000;
    dir = new Directory(pbx.reader, { refreshMs: 60_000, now: () => clock });
  });

  it("reads a list lazily, the first time it is needed, and answers from the cache after", async () => {
    assert.equal(pbx.reads.length, 0, "nothing read at construction");
    assert.equal(await dir.has("extension", "101"), true);
    assert.equal(await dir.has("extension", "102"), true);
    clock += 30_000;
    assert.equal(await dir.has("extension", "100"), true);
    assert.deepEqual(pbx.reads, [{ method: "all.ext.get", background: false }]);
  });

  it("refreshes an old list in the background: the answer does not wait, the next one sees the change", async () => {
    await dir.has("extension", "101");
    pbx.add("all.ext.get", "555");
    clock += 60_000;
    pbx.gate = new Promise(() => undefined); // the refresh never finishes…
    assert.equal(await dir.has("extension", "101"), true, "…and the answer came from the cache at once");
    assert.deepEqual(pbx.reads[1], { method: "all.ext.get", background: true });
    pbx.gate = undefined;
    const d2 = new Directory(pbx.reader, { refreshMs: 60_000, now: () => clock });
    await d2.has("extension", "101");
    clock += 61_000;
    await d2.has("extension", "101"); // starts the refresh
    await tick();
    const reads = pbx.reads.length;
    assert.equal(await d2.has("extension", "555"), true, "the refreshed list has it");
    assert.equal(pbx.reads.length, reads, "found in the refreshed list, no re-read");
  });

  it("reads again once before refusing: a number made a moment ago (by anyone) works, an unknown one is refused after one re-read", async () => {
    assert.equal(await dir.has("extension", "101"), true);
    pbx.add("all.ext.get", "300"); // created on the PBX by someone else
    clock += 10;
    assert.equal(await dir.has("extension", "300"), true);
    assert.equal(pbx.reads.length, 2);
    clock += 10;
    assert.equal(await dir.has("extension", "999"), false);
    assert.equal(pbx.reads.length, 3, "exactly one re-read before refusing");
  });

  it("the first read counts as fresh: an unknown number on a cold cache costs one read, not two", async () => {
    assert.equal(await dir.has("queue", "807"), false);
    assert.deepEqual(pbx.reads.map((r) => r.method), ["all.queue.get"]);
  });

  it("shares reads: 50 checks at once of unknown numbers send one list read", async () => {
    await dir.has("extension", "101");
    clock += 5;
    let release: () => void = () => undefined;
    pbx.gate = new Promise((r) => { release = r; });
    const answers = Promise.all(Array.from({ length: 50 }, (_, i) => dir.has("extension", `9${i}`)));
    await tick();
    release();
    assert.deepEqual(new Set(await answers), new Set([false]));
    assert.equal(pbx.reads.length, 2);
  });

  it("does not know when the list cannot be read (undefined), and does not ask again for refreshMs", async () => {
    pbx.fail = true;
    assert.equal(await dir.has("extension", "101"), undefined);
    assert.equal(await dir.has("extension", "999"), undefined);
    assert.equal(pbx.reads.length, 1, "a PBX without lists costs no extra request per write");
    clock += 60_000;
    pbx.fail = false;
    assert.equal(await dir.has("extension", "999"), false);
    pbx.lists["all.group.get"] = { groups: ["803"] }; // tailored answer without nums
    assert.equal(await dir.has("group", "803"), undefined);
  });

  it("numbers as text or as numbers are the same", async () => {
    pbx.lists["all.ext.get"] = { nums: [100, "101"] };
    assert.equal(await dir.has("extension", "100"), true);
  });

  describe("checkNumbers", () => {
    it("NOT_FOUND for an extension the lists lack, naming the method, the field and the dialog's option", async () => {
      const err = await checkNumbers(spec("ext.fwd.set"), { num: "999", status: "Away" }, dir);
      assert.ok(err);
      assert.equal(err.code, "NOT_FOUND");
      assert.equal(err.method, "ext.fwd.set");
      assert.equal(err.message, `ext.fwd.set: num "999" is not an extension of this PBX (not in all.ext.get, read again just now); `
        + `nothing was sent. If the PBX's lists are incomplete, untick "Check numbers" in the PBX configuration`);
      assert.equal(await checkNumbers(spec("ext.fwd.set"), { num: "102", status: "Away" }, dir), undefined);
    });

    it("the lone-primitive rule's Inject timestamp is no extension", async () => {
      const err = await checkNumbers(spec("ext.fwd.set"), { num: "1796160691673" }, dir);
      assert.equal(err?.code, "NOT_FOUND");
    });

    it("checks queues, ring groups and every member of a list", async () => {
      assert.equal((await checkNumbers(spec("ext.queue.set"), { num: "102", queue: "807", log: "on" }, dir))?.message.split(";")[0],
        `ext.queue.set: queue "807" is not a queue of this PBX (not in all.queue.get, read again just now)`);
      const members = await checkNumbers(spec("group.members.set"), { num: "803", members: "100,777" }, dir);
      assert.match(members?.message ?? "", /^group\.members\.set: members "777" is not an extension/);
      assert.match((await checkNumbers(spec("group.members.set"), { num: "945", members: "100" }, dir))?.message ?? "", /"945" is not a ring group/);
    });

    it("never checks free numbers, numbers being created, or reads", async () => {
      assert.equal(await checkNumbers(spec("makecall"), { first: "900", second: "420774852529" }, dir), undefined);
      assert.equal(await checkNumbers(spec("transfer"), { num: "102", dest: "0049301234" }, dir), undefined);
      assert.equal(await checkNumbers(spec("drop"), { num: "102", external: "787" }, dir), undefined);
      assert.equal(await checkNumbers(spec("ext.new"), { num: "555" }, dir), undefined);
      assert.equal(await checkNumbers(spec("queue.new"), { num: "813", name: "API Queue" }, dir), undefined);
      assert.equal(await checkNumbers(spec("ext.state.get"), { num: "999" }, dir), undefined);
      assert.deepEqual(pbx.reads.map((r) => r.method), ["all.ext.get"], "only drop's and transfer's num were looked up");
    });

    it("a number created by ext.new a moment before works without a list read; a deleted one is refused", async () => {
      await dir.has("extension", "100");
      noteWrite(spec("ext.new"), { num: "555" }, dir);
      assert.equal(await checkNumbers(spec("ext.update"), { num: "555", firstname: "New" }, dir), undefined);
      assert.equal(pbx.reads.length, 1);
      noteWrite(spec("ext.del"), { num: "101" }, dir);
      clock += 5;
      assert.equal(await dir.has("extension", "101"), true, "the PBX still lists it, so a re-read finds it");
      pbx.lists["all.ext.get"] = { nums: ["100"] }; // deleted on the PBX too
      clock += 5;
      noteWrite(spec("ext.del"), { num: "102" }, dir);
      assert.equal((await checkNumbers(spec("ext.update"), { num: "102" }, dir))?.code, "NOT_FOUND");
    });
  });
});
