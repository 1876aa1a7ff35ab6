/** The code and text of whatever a request rejected with (the client's errors carry a `code`). */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "ERROR";
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
