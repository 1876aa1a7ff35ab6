/** Errors the action nodes raise themselves (the client and the resolver bring their own). */
export class ActionError extends Error {
  /** A stable code for Catch nodes (an own property: Node-RED copies only own `code`s to msg.error). */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "ActionError";
    this.code = code;
  }
}

/** The error's stable code, or "ERROR" for anything unexpected. */
export function errorCode(err: unknown): string {
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === "string" && code !== "" ? code : "ERROR";
}
