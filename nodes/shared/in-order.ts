/**
 * Ends messages in the order they came in. Up to maxConcurrent requests of one node run at once
 * and a read may wait to be retried, so answers can arrive out of order; each message's ending
 * (its output, or its error) is held until every earlier message of the node has ended.
 */
export class InOrder {
  #issued = 0;
  #next = 0;
  readonly #ready = new Map<number, () => void>();

  /** The next message's place in line. */
  ticket(): number {
    return this.#issued++;
  }

  /** `end` runs once every earlier ticket has ended (now, if they all have). */
  settle(ticket: number, end: () => void): void {
    this.#ready.set(ticket, end);
    for (let run = this.#ready.get(this.#next); run; run = this.#ready.get(this.#next)) {
      this.#ready.delete(this.#next++);
      run();
    }
  }

  /** Messages ended but held back behind an earlier one. */
  get held(): number {
    return this.#ready.size;
  }
}
