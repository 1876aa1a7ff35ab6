/** The one error the resolver throws: a parameter is missing or invalid, named by its field. */
export class ParamError extends Error {
  readonly code = "BAD_PARAM" as const;
  /** The WebAPI parameter name (the editor field and the `msg.payload` key). */
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = "ParamError";
    this.field = field;
  }

  toJSON(): { name: string; code: "BAD_PARAM"; field: string; message: string } {
    return { name: this.name, code: this.code, field: this.field, message: this.message };
  }
}

const SHOWN_CHARS = 40;

/**
 * A short description of a value for an error message. Strings are cut to a few characters so a
 * huge payload cannot flood a log; callers never pass free-text values (which may be passwords).
 */
export function describe(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}…` : value);
    case "number":
    case "boolean":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "undefined":
      return "nothing";
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    default:
      if (value === null) return "nothing";
      return Array.isArray(value) ? "an array" : "an object";
  }
}
