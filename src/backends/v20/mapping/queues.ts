/** Queues and ring groups: agents (global login only on V20), managers, members. */
import type { Exchange, V20Method } from "./types";
import { XAPI, asRows, byNumber, idOf, mapped, split, str, type Row } from "./util";

/** Name and global queue login of every user, by number (one paged listing). */
async function usersByNumber(x: Exchange): Promise<Map<string, Row>> {
  const rows = asRows(x, await x.getAll(`${XAPI}/Users`, { $select: "Number,FirstName,LastName,QueueStatus" }), "users");
  return new Map(rows.map((r) => [str(r, "Number"), r]));
}

const numbersBody = (list: string): Array<{ Number: string }> => [...new Set(split(list))].map((n) => ({ Number: n }));

export const QUEUES: Readonly<Record<string, V20Method>> = {
  "queue.members.get": mapped("medium", `GET ${XAPI}/Queues?$filter=Number eq '…'&$expand=Agents + GET ${XAPI}/Users (QueueStatus: the global login)`, async (x, p) => {
    const q = await byNumber(x, "Queues", p.num, "queue", { $expand: "Agents" });
    const agents = asRows(x, q.Agents ?? [], "queue agents").map((a) => str(a, "Number"));
    const users = await usersByNumber(x);
    const members = agents.map((num) => {
      const u = users.get(num) ?? {};
      return { num, name: str(u, "FirstName"), lastname: str(u, "LastName"), loggedIn: str(u, "QueueStatus") === "LoggedIn" };
    });
    return { count: members.length, members };
  }),

  "queue.agents.set": mapped("medium", `PATCH ${XAPI}/Queues({Id}) {"Agents": [{"Number": …}]} (replaces the list; admin role)`, async (x, p) => {
    const q = await byNumber(x, "Queues", p.num, "queue", { $select: "Id,Number" });
    await x.send("PATCH", `${XAPI}/Queues(${idOf(x, q, "queue")})`, { Agents: numbersBody(p.members) });
    return { result: true };
  }),

  "queue.managers.set": mapped("medium", `PATCH ${XAPI}/Queues({Id}) {"Managers": [{"Number": …}]} (replaces the list; admin role)`, async (x, p) => {
    const q = await byNumber(x, "Queues", p.num, "queue", { $select: "Id,Number" });
    await x.send("PATCH", `${XAPI}/Queues(${idOf(x, q, "queue")})`, { Managers: numbersBody(p.managers) });
    return { result: true };
  }),

  "group.members.set": mapped("low", `PATCH ${XAPI}/RingGroups({Id}) {"Members": [{"Number": …}]} (admin role)`, async (x, p) => {
    const g = await byNumber(x, "RingGroups", p.num, "ring group", { $select: "Id,Number" });
    await x.send("PATCH", `${XAPI}/RingGroups(${idOf(x, g, "ring group")})`, { Members: numbersBody(p.members) });
    return { result: true };
  }),
};
