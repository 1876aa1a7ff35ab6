/**
 * One V20 event source per config node (SPEC §5 `source: v20`): the Call Control WebSocket and
 * its participant tracker, shared by every `v20` monitor of that PBX. Kept beside the config node
 * rather than in it: it exists only while a monitor subscribes (the last one leaving closes the
 * socket), and a redeployed config node is a new object, so it gets a new source.
 */
import { V20Client } from "../../src/backends/v20";
import { v20SourceFor, type V20Source } from "../../src/monitor/v20";
import type { ThreeCxConfigNode } from "./types";

const SOURCES = new WeakMap<object, V20Source>();

/** The config node's V20 source, or undefined when the node does not speak V20. */
export function v20EventsOf(server: ThreeCxConfigNode): V20Source | undefined {
  const client: unknown = server.client;
  if (!(client instanceof V20Client)) return undefined;
  let source = SOURCES.get(server);
  if (!source) {
    source = v20SourceFor({
      baseUrl: client.baseUrl,
      ...(client.tls ? { tls: client.tls } : {}),
      bearer: () => client.bearer(),
      invalidateToken: (token) => client.invalidateToken(token),
      callControl: (path, signal) => client.readCallControl(path, signal),
    });
    SOURCES.set(server, source);
  }
  return source;
}
