// Reading what V20 sends: the socket envelope (wire snake_case and the guide's PascalCase), entity
// paths, participants, devices, the GET /callcontrol list; unreadable input is skipped, never guessed.
import assert from "node:assert/strict";
import { parseEntityPath, parseWsMessage, participantPath, readDnList, readParticipant } from "../../../src/monitor/v20";

describe("V20 parse", () => {
  it("reads the wire envelope as field reports show it", () => {
    const ev = parseWsMessage('{"sequence":12,"event":{"event_type":0,"entity":"/callcontrol/1000/participants/3","attached_data":null}}');
    assert.deepEqual(ev, { sequence: 12, type: "upsert", entity: "/callcontrol/1000/participants/3", attachedData: null });
    assert.equal(parseWsMessage('{"sequence":13,"event":{"event_type":1,"entity":"/callcontrol/1000/participants/3"}}')?.type, "remove");
    assert.equal(parseWsMessage('{"event":{"event_type":2,"entity":"/callcontrol/1000/participants/3","attached_data":{"dtmf_input":"12"}}}')?.type, "dtmf");
  });

  it("reads the documented PascalCase form too", () => {
    assert.deepEqual(parseWsMessage('{"EventType":1,"Entity":"/callcontrol/101/devices/x","AttachedData":null}'), {
      type: "remove", entity: "/callcontrol/101/devices/x", attachedData: null,
    });
  });

  it("skips what is not an entity event", () => {
    for (const bad of ["", "not json", "[]", "null", '{"RequestID":"1","StatusCode":200}', '{"event":{"event_type":0}}', '{"event":{"entity":"/callcontrol/1/participants/2"}}']) {
      assert.equal(parseWsMessage(bad), undefined, bad);
    }
    assert.equal(parseWsMessage('{"event":{"event_type":4,"entity":"/callcontrol/1/participants/2"}}')?.type, "other");
  });

  it("entity paths: participants and devices, decoded; anything else undefined", () => {
    assert.deepEqual(parseEntityPath("/callcontrol/101/participants/7"), { dn: "101", kind: "participants", id: "7" });
    assert.deepEqual(parseEntityPath("/callcontrol/101/devices/sip%3A101%40host"), { dn: "101", kind: "devices", id: "sip:101@host" });
    for (const bad of ["/callcontrol/101", "/callcontrol/101/participants", "/xapi/v1/Users", "/callcontrol/101/participants/%E0%A4%A"]) {
      assert.equal(parseEntityPath(bad), undefined, bad);
    }
    assert.equal(participantPath("10 1", 7), "/callcontrol/10%201/participants/7");
  });

  it("participants: id, dn and status needed; ids as text read as numbers; other fields kept", () => {
    const p = readParticipant({ id: "7", dn: 101, status: "Ringing", callid: "55", legid: 2, party_caller_name: "Ann", extra: true });
    assert.deepEqual(p, { id: 7, dn: "101", status: "Ringing", callid: 55, legid: 2, party_caller_name: "Ann", extra: true });
    assert.equal(readParticipant({ id: 7, dn: "101", status: "Ringing", callid: "" })?.callid, undefined);
    assert.ok(!("callid" in readParticipant({ id: 7, dn: "101", status: "Ringing", callid: null })!));
    for (const bad of [null, [], "x", { dn: "101", status: "Ringing" }, { id: 1.5, dn: "101", status: "Ringing" }, { id: 1, status: "Ringing" }, { id: 1, dn: "", status: "x" }, { id: 1, dn: "101" }]) {
      assert.equal(readParticipant(bad), undefined, JSON.stringify(bad));
    }
  });

  it("GET /callcontrol: DNs with devices and participants; bad items skipped; not a list → undefined", () => {
    const list = readDnList([
      { dn: "101", type: "Wextension", devices: [{ dn: "101", device_id: "d1", user_agent: "Yealink" }, { dn: "101" }], participants: [{ id: 1, dn: "101", status: "Connected", callid: 9 }, { id: "x" }] },
      { dn: "102" },
      { type: "Wqueue" },
      "garbage",
    ]);
    assert.deepEqual(list, [
      { dn: "101", type: "Wextension", devices: [{ dn: "101", device_id: "d1", user_agent: "Yealink" }], participants: [{ id: 1, dn: "101", status: "Connected", callid: 9 }] },
      { dn: "102", devices: [], participants: [] },
    ]);
    assert.equal(readDnList({ value: [] }), undefined);
    assert.equal(readDnList(null), undefined);
  });
});
