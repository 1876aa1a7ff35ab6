/**
 * What the action nodes offer: catalog methods and friendly operations (offers), the operations
 * table and the editor field types. Plain TS: the runtime adapters, the editor generator and the
 * help all read it.
 */
export * from "./offers";
export * from "./operations";
export * from "./field-types";
