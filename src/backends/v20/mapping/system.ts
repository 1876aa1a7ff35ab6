/** License and system information: `info` in the seed's shape. */
import type { V20Method } from "./types";
import { XAPI, asRow, mapped, str } from "./util";

/** "2031-05-02T20:32:11Z" → "02.05.2031 20:32:11", the WebAPI's form (UTC); "" when unreadable. */
export function webapiDate(iso: string): string {
  const d = new Date(iso);
  if (iso === "" || Number.isNaN(d.getTime())) return "";
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

export const SYSTEM: Readonly<Record<string, V20Method>> = {
  info: mapped("high", `GET ${XAPI}/Defs?$select=Id (X-3CX-Version) + GET ${XAPI}/SystemStatus`, async (x) => {
    const version = await x.version();
    const s = asRow(x, await x.get(`${XAPI}/SystemStatus`), "the system status");
    const max = s.MaxSimCalls;
    return {
      product: "3CX Phone System",
      version: str(s, "Version") || version || "",
      release: str(s, "ProductCode"),
      licenseExpire: webapiDate(str(s, "ExpirationDate")),
      // No V20 equivalent (v20.md §10): empty rather than invented.
      clientLicensesNum: "",
      concurrentCalls: typeof max === "number" ? max : 0,
      callRecords: true,
      api: true,
      quality: false,
    };
  }),
};
