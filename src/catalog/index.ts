/** Look-ups over the catalog, computed once at load. */
import { METHODS } from "./methods";
import type { HomeNode, MethodSpec } from "./types";

export * from "./types";
export { METHODS, FORWARDING_PROFILES } from "./methods";
export { classifyAnswer, scrubAnswer, quoteText, type AnswerCode, type AnswerVerdict, type ClassifyOptions } from "./answer";

const BY_NAME: ReadonlyMap<string, MethodSpec> = new Map(METHODS.map((m) => [m.name, m]));

export function getMethod(name: string): MethodSpec | undefined {
  return BY_NAME.get(name);
}

export function methodsOf(node: HomeNode): readonly MethodSpec[] {
  return METHODS.filter((m) => m.node === node);
}

/** Writes and call control are sent exactly once; reads may be retried. */
export function isRetryable(method: MethodSpec): boolean {
  return method.kind === "read";
}
