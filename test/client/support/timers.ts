/** Finds timers left running: every Timeout created while tracking and not yet fired or cleared. */
import { createHook } from "node:async_hooks";

export function trackTimers(): { stop(): string[] } {
  const live = new Map<number, string>();
  const hook = createHook({
    init(id, type) {
      if (type === "Timeout") live.set(id, new Error("timer created").stack ?? "");
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  return {
    /** Stops tracking; returns the creation stacks of timers still alive (mocha's own excepted). */
    stop() {
      hook.disable();
      return [...live.values()].filter((stack) => !/node_modules[\\/]mocha[\\/]/.test(stack));
    },
  };
}
