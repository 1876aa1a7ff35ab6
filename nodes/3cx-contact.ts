/** 3cx-contact: the action node for its SPEC §2 methods (runtime in nodes/shared/action-node.ts). */
import type { NodeAPI } from "node-red";
import { registerActionNode } from "./shared/action-node";

export = (RED: NodeAPI): void => registerActionNode(RED, "contact");
