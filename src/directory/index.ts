/** The PBX's own numbers, cached from its lists, and the NOT_FOUND check (plain TS, no Node-RED). */
export { Directory, DIRECTORY_LISTS, DEFAULT_REFRESH_MS, isDirectoryKind, type DirectoryKind, type DirectoryOptions, type ListReader } from "./directory";
export { checkNumbers, noteWrite } from "./check";
