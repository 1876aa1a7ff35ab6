import assert from "node:assert/strict";
import { encodeValue } from "../../src/resolver";
import { param, paramError } from "./support";

describe("resolver: encodeValue", () => {
  describe("boolean", () => {
    const log = param("ext.queueglobal.set", "log"); // on/off
    const enabled = param("ext.update", "enabled"); // 1/0

    it("accepts true/false, 1/0, their text and the wire words, in either encoding", () => {
      for (const v of [true, 1, "1", "true", "on", " TRUE ", "On"]) {
        assert.equal(encodeValue(log, v), "on", String(v));
        assert.equal(encodeValue(enabled, v), "1", String(v));
      }
      for (const v of [false, 0, "0", "false", "off", "Off", "FALSE"]) {
        assert.equal(encodeValue(log, v), "off", String(v));
        assert.equal(encodeValue(enabled, v), "0", String(v));
      }
    });

    it("names the field and the expected words for anything else", () => {
      paramError(() => encodeValue(log, "maybe"), "log", 'log must be on/off or true/false, got "maybe"');
      paramError(() => encodeValue(enabled, "yes"), "enabled", 'enabled must be 1/0 or true/false, got "yes"');
      paramError(() => encodeValue(log, 2), "log", "log must be on/off or true/false, got 2");
      paramError(() => encodeValue(log, {}), "log", "log must be on/off or true/false, got an object");
      paramError(() => encodeValue(log, [true]), "log", /got an array$/);
    });
  });

  describe("number", () => {
    const timeout = param("queue.new", "mastertimeout"); // 0..86400
    const id = param("contact.get", "id"); // min 0

    it("sends the decimal text of a whole number, from numbers or numeric text", () => {
      assert.equal(encodeValue(timeout, 300), "300");
      assert.equal(encodeValue(timeout, "300"), "300");
      assert.equal(encodeValue(timeout, " +30 "), "30");
      assert.equal(encodeValue(timeout, "007"), "7");
      assert.equal(encodeValue(timeout, -0), "0");
      assert.equal(encodeValue(timeout, 86400), "86400");
      assert.equal(encodeValue(id, 12n), "12");
    });

    it("rejects fractions, out-of-range, non-finite and non-numeric values with the range", () => {
      paramError(() => encodeValue(timeout, 1.5), "mastertimeout", "mastertimeout must be a whole number from 0 to 86400, got 1.5");
      paramError(() => encodeValue(timeout, 86401), "mastertimeout", /from 0 to 86400, got 86401$/);
      paramError(() => encodeValue(timeout, -1), "mastertimeout", /got -1$/);
      paramError(() => encodeValue(timeout, "1e3"), "mastertimeout", /got "1e3"$/);
      paramError(() => encodeValue(timeout, NaN), "mastertimeout", /got NaN$/);
      paramError(() => encodeValue(timeout, Infinity), "mastertimeout", /got Infinity$/);
      paramError(() => encodeValue(timeout, true), "mastertimeout", /got true$/);
      paramError(() => encodeValue(id, -3), "id", "id must be a whole number of at least 0, got -3");
      paramError(() => encodeValue(id, 2 ** 60), "id", /whole number/);
      paramError(() => encodeValue(id, "99999999999999999"), "id", /whole number/);
    });
  });

  describe("enum", () => {
    const strategy = param("queue.new", "pollingstrategy"); // closed, numeric
    const status = param("ext.fwd.set", "status"); // open
    const recordcalls = param("ext.update", "recordcalls");

    it("accepts the wire values, numbers for numeric values, and labels case-insensitively", () => {
      assert.equal(encodeValue(strategy, "3"), "3");
      assert.equal(encodeValue(strategy, 13), "13");
      assert.equal(encodeValue(strategy, "ring all"), "1");
      assert.equal(encodeValue(recordcalls, "External calls only"), "2");
      assert.equal(encodeValue(status, "Out of office"), "Out of office");
      assert.equal(encodeValue(status, "away"), "Away");
      assert.equal(encodeValue(status, " Custom 1 "), "Custom 1");
    });

    it("rejects values outside a closed list, listing the allowed ones", () => {
      const e = paramError(() => encodeValue(strategy, "2"), "pollingstrategy");
      assert.equal(e.message, 'pollingstrategy must be one of 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, got "2"');
      paramError(() => encodeValue(strategy, 2), "pollingstrategy", /got 2$/);
      paramError(() => encodeValue(strategy, true), "pollingstrategy", /got true$/);
      paramError(() => encodeValue(strategy, ["1"]), "pollingstrategy", /got an array$/);
    });

    it("passes other text for an open list, still checked as text", () => {
      assert.equal(encodeValue(status, "OutOfOffice2"), "OutOfOffice2");
      paramError(() => encodeValue(status, "a\nb"), "status", /control characters/);
      paramError(() => encodeValue(status, "x".repeat(300)), "status", /at most 256 characters/);
      paramError(() => encodeValue(status, {}), "status", /must be one of Available, Away.*another name.*got an object$/);
    });
  });

  describe("list", () => {
    const members = param("queue.agents.set", "members");

    it("joins arrays by commas and passes a comma list, trimming spaces around items", () => {
      assert.equal(encodeValue(members, [101, "103"]), "101,103");
      assert.equal(encodeValue(members, ["101 ", " 103"]), "101,103");
      assert.equal(encodeValue(members, "101,103"), "101,103");
      assert.equal(encodeValue(members, " 101 , 103 "), "101,103");
      assert.equal(encodeValue(members, 101), "101");
      assert.equal(encodeValue(members, ["Sales App"]), "Sales App");
    });

    it("rejects empty lists and items, commas inside items, and non-scalar items", () => {
      paramError(() => encodeValue(members, []), "members", "members must list at least one item, got an empty list");
      paramError(() => encodeValue(members, "101,,103"), "members", "members item 2 is empty: use a comma list such as 101,103");
      paramError(() => encodeValue(members, ["101", "1,2"]), "members", "members item 2 must not contain a comma");
      paramError(() => encodeValue(members, [101, { a: 1 }]), "members", "members items must be numbers or names, item 2 is an object");
      paramError(() => encodeValue(members, [NaN]), "members", /item 1 is NaN$/);
      paramError(() => encodeValue(members, { 0: "101" }), "members", /comma list such as 101,103 or an array, got an object$/);
      paramError(() => encodeValue(members, true), "members", /got true$/);
      paramError(() => encodeValue(members, ["10\t1"]), "members", /control characters/);
      paramError(() => encodeValue(members, new Array(5000).fill("1")), "members", /at most 1024 items, got 5000/);
    });
  });

  describe("string", () => {
    const num = param("ext.state.get", "num"); // maxLength 64
    const authpass = param("ext.update", "authpass");

    it("sends text as it is and numbers as their text", () => {
      assert.equal(encodeValue(num, "102"), "102");
      assert.equal(encodeValue(num, 102), "102");
      assert.equal(encodeValue(num, " 1 & 2 "), " 1 & 2 ");
      assert.equal(encodeValue(num, "Zürich ☎ 😀"), "Zürich ☎ 😀");
    });

    it("rejects objects, arrays, booleans, control characters, broken Unicode and over-long text", () => {
      paramError(() => encodeValue(num, { num: 1 }), "num", "num must be text or a number, got an object");
      paramError(() => encodeValue(num, ["102"]), "num", /got an array$/);
      paramError(() => encodeValue(num, true), "num", /got true$/);
      paramError(() => encodeValue(num, Infinity), "num", /got Infinity$/);
      paramError(() => encodeValue(num, "10\n2"), "num", "num must not contain control characters (line breaks, tabs, …)");
      paramError(() => encodeValue(num, "a\u0000"), "num", /control characters/);
      paramError(() => encodeValue(num, "a\u0085"), "num", /control characters/);
      paramError(() => encodeValue(num, "\uD800x"), "num", /valid Unicode/);
      paramError(() => encodeValue(num, "1".repeat(65)), "num", "num must be at most 64 characters, got 65");
    });

    it("never echoes free text in its errors (it may be a password)", () => {
      const e = paramError(() => encodeValue(authpass, `s3cret-${"x".repeat(200)}`), "authpass");
      assert.ok(!e.message.includes("s3cret"), e.message);
      const c = paramError(() => encodeValue(authpass, "s3cret\n"), "authpass");
      assert.ok(!c.message.includes("s3cret"), c.message);
    });
  });

  it("treats blank values as having no value", () => {
    for (const v of [undefined, null, ""]) paramError(() => encodeValue(param("join", "num"), v), "num", "num has no value");
  });
});
