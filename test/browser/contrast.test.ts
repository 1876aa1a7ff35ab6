// The contrast check the theme tests rely on: it must read every colour form Chromium computes
// and refuse what it cannot read (an unread colour parsed as black would pass any light text).
import assert from "node:assert/strict";
import { contrastRatio } from "../support/browser";

describe("browser support: contrastRatio", () => {
  it("gives WCAG's 21:1 for black on white in rgb() and color(srgb) forms, 1:1 for equal colours", () => {
    assert.equal(contrastRatio("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 21);
    assert.equal(contrastRatio("color(srgb 1 1 1)", "rgba(0, 0, 0, 1)"), 21);
    assert.equal(contrastRatio("color(srgb 0.5 0.5 0.5)", "rgb(127.5, 127.5, 127.5)"), 1);
  });

  it("matches the published ratio of #767676 on white (4.54:1, the lightest grey that passes AA)", () => {
    assert.equal(contrastRatio("rgb(118, 118, 118)", "rgb(255, 255, 255)").toFixed(2), "4.54");
  });

  it("refuses a colour it cannot read or one that is not opaque", () => {
    assert.throws(() => contrastRatio("lab(50 0 0)", "rgb(255, 255, 255)"), /cannot read "lab\(50 0 0\)"/);
    assert.throws(() => contrastRatio("rgba(0, 0, 0, 0.5)", "rgb(255, 255, 255)"), /opaque/);
    assert.throws(() => contrastRatio("", "rgb(255, 255, 255)"), /cannot read/);
  });
});
