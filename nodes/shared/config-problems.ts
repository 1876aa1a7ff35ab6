/**
 * Why a `3cx-config` node did not start, by its id. A config node that throws in its constructor
 * is not registered, so the nodes using it only see "not found": this is how they can say the
 * real reason (no access key) in their status instead of "no PBX".
 */
export interface ConfigProblem {
  /** A short status text, translated. */
  readonly status: string;
  /** The full reason, translated, naming the dialog's field. Never holds a secret. */
  readonly message: string;
}

const problems = new Map<string, ConfigProblem>();

export function setConfigProblem(id: string, problem: ConfigProblem | undefined): void {
  if (problem) problems.set(id, problem);
  else problems.delete(id);
}

export function configProblem(id: string): ConfigProblem | undefined {
  return problems.get(id);
}
