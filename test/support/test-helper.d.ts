// Types for node-red-node-test-helper 0.3.x, which ships none: only what our tests use.
declare module "node-red-node-test-helper" {
  import type { Node, NodeDef } from "node-red";
  interface Helper {
    init(nodeRedRuntime: string, userSettings?: Record<string, unknown>): void;
    load(
      testNode: unknown,
      testFlow: ReadonlyArray<Record<string, unknown>>,
      testCredentials?: Record<string, Record<string, string>>,
    ): Promise<void>;
    unload(): Promise<void>;
    getNode(id: string): Node & Record<string, unknown>;
    clearFlows(): Promise<void>;
    setFlows(flows: ReadonlyArray<Record<string, unknown>>, type?: "full" | "nodes" | "flows", credentials?: Record<string, Record<string, string>>): Promise<void>;
    request(): import("supertest").SuperTest<import("supertest").Test>;
    startServer(): Promise<void>;
    stopServer(): Promise<void>;
    url(): string;
    settings(userSettings: Record<string, unknown>): void;
    log(): { args: unknown[][]; getCalls(): Array<{ args: unknown[] }> } & Record<string, unknown>;
    _RED: Record<string, unknown>;
  }
  const helper: Helper;
  export = helper;
  export type { NodeDef };
}
