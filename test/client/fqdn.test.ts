import assert from "node:assert/strict";
import { WebApiError, normalizeFqdn } from "../../src/client";
import { assertNoSecret } from "./support/secrecy";

describe("client: normalizeFqdn", () => {
  const accepted: Array<[string, string]> = [
    ["pbx.example.com", "https://pbx.example.com"],
    ["pbx.example.com:5001", "https://pbx.example.com:5001"],
    ["PBX.Example.com:5001/", "https://pbx.example.com:5001"],
    ["https://pbx.example.com:5001", "https://pbx.example.com:5001"],
    ["HTTPS://pbx.example.com:5001/webapi", "https://pbx.example.com:5001"],
    ["https://pbx.example.com/webapi/", "https://pbx.example.com"],
    ["https://pbx.example.com:443", "https://pbx.example.com"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
    ["http://127.0.0.1:8080/", "http://127.0.0.1:8080"],
    ["[::1]:5001", "https://[::1]:5001"],
    ["http://[::1]:8080/webapi", "http://[::1]:8080"],
    ["  pbx.example.com  ", "https://pbx.example.com"],
    ["pbx.example.com/WebAPI", "https://pbx.example.com"],
  ];
  for (const [input, base] of accepted) {
    it(`accepts ${JSON.stringify(input)} → ${base}`, () => assert.equal(normalizeFqdn(input), base));
  }

  const rejected: Array<[string, RegExp]> = [
    ["", /PBX address is empty/],
    ["   ", /PBX address is empty/],
    ["ftp://pbx.example.com", /PBX address must use http:\/\/ or https:\/\/, not ftp:\/\//],
    ["ws://pbx.example.com", /not ws:\/\//],
    ["pbx.example.com/api", /must not contain a path/],
    ["https://pbx.example.com/webapi/K3y-SECRET-zz9/", /must not contain a path.*Access key has its own field/],
    ["pbx.example.com?x=1", /query/],
    ["pbx.example.com#frag", /fragment/],
    ["https://user:K3y-SECRET-zz9@pbx.example.com", /user name or password/],
    ["pbx example.com", /spaces/],
    ["pbx.example.com:99999", /not a valid host name or URL/],
    ["pbx.example.com:0", /port 0/],
    ["::1", /IPv6 address in brackets/],
    ["https://", /not a valid|no host/],
    ["pbx.example.com\\webapi", /not allowed/],
    ["pbx.exa\nmple.com", /spaces/],
    ["pbx.exa\u0000mple.com", /not allowed/],
  ];
  for (const [input, message] of rejected) {
    it(`rejects ${JSON.stringify(input)} with BAD_CONFIG naming the PBX address and what was expected`, () => {
      let err: unknown;
      try {
        normalizeFqdn(input);
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof WebApiError, `threw ${String(err)}`);
      assert.equal(err.code, "BAD_CONFIG");
      assert.match(err.message, /^PBX address /);
      assert.match(err.message, message);
      assert.match(err.message, /expected a host name with an optional port/);
      assertNoSecret(err); // a pasted WebAPI URL's key is never echoed
    });
  }

  it("rejects non-strings", () => {
    assert.throws(() => normalizeFqdn(undefined as unknown as string), (e: unknown) => e instanceof WebApiError && e.code === "BAD_CONFIG");
  });
});
