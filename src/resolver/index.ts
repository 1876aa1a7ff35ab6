/** Parameter resolver (plain TS): node fields and msg.payload → the WebAPI's wire parameters. */
export { ParamError } from "./errors";
export { encodeValue, isBlank } from "./encode";
export { resolveParams, soleRequiredParam } from "./resolve";
