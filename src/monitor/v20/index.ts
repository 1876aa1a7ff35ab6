/** The V20 Call Control event source: socket, feed, participant tracker. No Node-RED. */
export * from "./types";
export { parseWsMessage, parseEntityPath, participantPath, devicePath, readParticipant, readDevice, readDnList } from "./parse";
export { CallTracker, type TrackerOptions, type V20CallFields } from "./tracker";
export { V20Feed, BadCallControlAnswer, type CallControlReader, type FeedOptions, type FeedStats } from "./feed";
export { CallControlSocket, SocketFailure, socketStatusText, type SocketOptions, type SocketState, type SocketTls } from "./socket";
export { V20Source, type V20SourceOptions, type V20Subscriber } from "./source";
export { systemClock, type Clock } from "./clock";
export { v20SourceFor, callControlWsUrl, type V20Access } from "./connect";
