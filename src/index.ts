/**
 * The package's plain-TypeScript API, for scripts and tests outside Node-RED: the WebAPI catalog,
 * the client, the parameter resolver and the simulator. The Node-RED nodes are in dist/nodes.
 */
export { METHODS, getMethod, methodsOf, type MethodSpec, type ParamSpec, type HomeNode } from "./catalog";
export { WebApiClient, WebApiError, normalizeFqdn, type ClientOptions, type TlsOptions, type WebApiResult, type ErrorCode } from "./client";
export { resolveParams, ParamError } from "./resolver";
export { startSimulator, type Simulator, type SimulatorOptions } from "./simulator";
