// npm start's keys: d takes the simulated PBX down (its port closes, like a PBX that stops
// answering) and u brings it back, so the monitors' pbx.down and pbx.up can be watched without
// killing a process. Single key presses in a terminal; lines ("d", "u") when stdin is a pipe.
"use strict";
const readline = require("node:readline");

/**
 * @param {{ faults: { set(f: object): Promise<void>, clear(): Promise<void>, active: readonly { down?: boolean }[] } }} sim
 * @param {(line: string) => void} say
 */
function listenForPbxKeys(sim, say) {
  const input = process.stdin;
  let busy = Promise.resolve();
  const act = (key) => {
    busy = busy.then(async () => {
      const down = sim.faults.active.some((f) => f.down);
      if (key === "d" && !down) {
        await sim.faults.set({ down: true });
        say("[simulator] PBX down: its port refuses connections; the monitors report pbx.down (press u to bring it back)");
      } else if (key === "u" && down) {
        await sim.faults.clear();
        say("[simulator] PBX up again: the monitors report pbx.up");
      }
    }).catch((err) => say(`[simulator] ${err.message}`));
  };
  if (input.isTTY) {
    input.setRawMode(true);
    process.once("exit", () => input.isTTY && input.setRawMode(false));
    input.on("data", (chunk) => {
      for (const ch of chunk.toString()) {
        if (ch === "\u0003") process.kill(process.pid, "SIGINT"); // raw mode: Ctrl-C arrives as a key
        else act(ch.toLowerCase());
      }
    });
  } else {
    readline.createInterface({ input }).on("line", (line) => act(line.trim().toLowerCase().charAt(0)));
  }
  input.resume();
}

module.exports = { listenForPbxKeys };
