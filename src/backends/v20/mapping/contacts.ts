/** The company phonebook: XAPI Contacts (v20.md §4, field map §8). */
import { atLeast, quote } from "../odata";
import type { Exchange, Params, V20Method } from "./types";
import { XAPI, asRow, asRows, fail, idOf, mapped, noEquivalent, str } from "./util";

/** WebAPI contact field → XAPI Contact field (inferred; data2 Home 2 and data8 Home fax have none). */
const TO_XAPI: ReadonlyArray<readonly [string, string]> = [
  ["firstname", "FirstName"], ["lastname", "LastName"], ["company", "CompanyName"], ["phone", "PhoneNumber"],
  ["data0", "Mobile2"], ["data1", "Home"], ["data3", "Business"], ["data4", "Business2"], ["data5", "Email"],
  ["data6", "Other"], ["data7", "BusinessFax"], ["data9", "Pager"],
];
const NO_FIELD = ["data2", "data8"];
const NUMBER_FIELDS = ["PhoneNumber", "Mobile2", "Home", "Business", "Business2", "BusinessFax", "Other", "Pager"];

function body(x: Exchange, p: Params): Record<string, string> {
  noEquivalent(x, p, NO_FIELD, "V20 contacts have no Home 2 or Home fax field");
  const out: Record<string, string> = {};
  for (const [w, v] of TO_XAPI) if (p[w] !== undefined) out[v] = p[w];
  return out;
}

const contactPath = (x: Exchange, id: string): string => {
  if (!/^\d+$/.test(id)) throw fail(x, "BAD_PARAM", `id must be a contact id (a whole number), not ${JSON.stringify(id.slice(0, 20))}`);
  return `${XAPI}/Contacts(${id})`;
};

export const CONTACTS: Readonly<Record<string, V20Method>> = {
  "contact.find": mapped("medium", `GET ${XAPI}/Contacts/Pbx.GetContactsByNumber(number='…') (≥20.0.9), else $filter=contains(…)`, async (x, p) => {
    let rows;
    if (atLeast(await x.version(), [20, 0, 9])) {
      rows = await x.get(`${XAPI}/Contacts/Pbx.GetContactsByNumber(number=${encodeURIComponent(quote(p.num))})`);
    } else {
      // Stored numbers may lack the + or spaces of the searched one: match on its digits.
      const digits = p.num.replace(/\D/g, "") || p.num;
      const filter = NUMBER_FIELDS.map((f) => `contains(${f},${quote(digits)})`).join(" or ");
      rows = await x.getAll(`${XAPI}/Contacts`, { $filter: filter, $select: "Id" });
    }
    const ids = asRows(x, rows, "contacts").map((r) => r.Id).filter((id): id is number => typeof id === "number");
    return { id: [...new Set(ids)].sort((a, b) => a - b) };
  }),

  "contact.get": mapped("low", `GET ${XAPI}/Contacts({Id})`, async (x, p) => {
    const c = asRow(x, await x.get(contactPath(x, p.id)), "a contact");
    const field = new Map(TO_XAPI);
    // The seed's keys and order: name, lastName, company, crmContactData, tag, phone, data0 … data9.
    const out: Record<string, string> = {
      name: str(c, "FirstName"), lastName: str(c, "LastName"), company: str(c, "CompanyName"), crmContactData: "", tag: str(c, "Tag"),
    };
    for (const k of ["phone", "data0", "data1", "data2", "data3", "data4", "data5", "data6", "data7", "data8", "data9"]) {
      const v = field.get(k);
      out[k] = v ? str(c, v) : "";
    }
    return out;
  }),

  "contact.new": mapped("high", `POST ${XAPI}/Contacts {…} → 201 with the entity`, async (x, p) => {
    const created = asRow(x, await x.send("POST", `${XAPI}/Contacts`, body(x, p)), "the created contact");
    return { id: idOf(x, created, "contact") };
  }),

  "contact.update": mapped("high", `PATCH ${XAPI}/Contacts({Id}) {…}`, async (x, p) => {
    const { id, ...rest } = p;
    await x.send("PATCH", contactPath(x, id), body(x, rest));
    return { result: "Update contact" };
  }),

  "contact.del": mapped("high", `DELETE ${XAPI}/Contacts({Id})`, async (x, p) => {
    await x.send("DELETE", contactPath(x, p.id));
    return { result: "Delete contact" };
  }),
};
