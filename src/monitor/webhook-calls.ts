/**
 * Turns classified webhooks into the SPEC §5 events, with the same payload shape as polling. It
 * remembers the calls it has heard of (bounded), so that the first webhook of a call also gives
 * `call.started` (as a call id appearing does when polling) and `call.ended` can carry a duration
 * when the generator sends none.
 */
import type { CallEventBase, MonitorEvent, SnapshotEvent } from "./types";
import { callIdOf, callKeyOf, clockSeconds, fileList, text, titleSeconds, type ParsedWebhook } from "./webhook";

interface HeardCall {
  readonly key: string;
  readonly firstSeen: number;
  answeredAt?: number;
  base: CallEventBase;
}

export interface WebhookCallsOptions {
  /** Calls remembered at most (the oldest is forgotten first). Default 10 000. */
  readonly maxCalls?: number;
}

function seconds(ms: number): number {
  return Math.max(0, Math.round(ms / 1000));
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && v.toLowerCase() === "true";
}

export class WebhookCalls {
  private readonly calls = new Map<string, HeardCall>();
  private readonly maxCalls: number;

  constructor(opts: WebhookCallsOptions = {}) {
    this.maxCalls = opts.maxCalls ?? 10000;
  }

  /** How many calls are remembered as live. */
  get size(): number {
    return this.calls.size;
  }

  /** The events one webhook request means. `now` is ms since the epoch. */
  handle(hook: ParsedWebhook, now: number): MonitorEvent[] {
    const f = hook.fields;
    const files = hook.kind === "recording" ? fileList(f.files ?? f.fileurls) : [];
    const key = callKeyOf(f, files);
    const base = this.base(hook, now, files);
    switch (hook.kind) {
      case "ringing": {
        const dnNum = text(f, "user");
        const usertype = text(f, "usertype")?.toLowerCase();
        return [...this.start(key, base, now), { topic: "call.ringing", payload: { ...base, ...(dnNum ? { dnNum } : {}), ...(usertype ? { usertype } : {}) } }];
      }
      case "started":
        return this.start(key, base, now);
      case "answered": {
        const out = this.start(key, base, now);
        const heard = key === undefined ? undefined : this.calls.get(key);
        if (heard) heard.answeredAt = now;
        const trtype = text(f, "trtype");
        out.push({ topic: "call.answered", payload: { ...base, answeredAt: new Date(now).toISOString(), ...(trtype ? { trtype } : {}) } });
        return out;
      }
      case "ended":
        return [this.end(key, base, hook, now)];
      case "recording":
        return [{ topic: "call.recording", payload: { ...base, files } }];
      case "ai": {
        const score = text(f, "sentiment_score");
        const summary = text(f, "summary");
        const transcription = text(f, "transcription");
        const sentiment = score !== undefined && /^-?\d+(\.\d+)?$/.test(score) ? Number(score) : score;
        return [{ topic: "call.ai", payload: { ...base, ...(summary !== undefined ? { summary } : {}), ...(transcription !== undefined ? { transcription } : {}), ...(sentiment !== undefined ? { sentiment } : {}) } }];
      }
      default: {
        // An event no document names (some builds send status changes): passed on as it came, so
        // flows can use it before a release knows it (SPEC §5 webhook.event, off by default).
        const asSent = typeof f.event === "string" ? f.event.trim() : hook.event;
        return [{ topic: "webhook.event", payload: { source: "webhook", ...f, event: asSent, at: base.at } }];
      }
    }
  }

  /** The calls heard of and not ended yet, for a `snapshot` event. */
  snapshot(now: number): SnapshotEvent {
    return {
      source: "webhook",
      at: new Date(now).toISOString(),
      calls: [...this.calls.values()].map((c) => ({ ...c.base, startedAt: new Date(c.firstSeen).toISOString(), answered: c.answeredAt !== undefined })),
      extensions: {},
      queues: {},
    };
  }

  private base(hook: ParsedWebhook, now: number, files: readonly string[]): CallEventBase {
    const f = hook.fields;
    const id = text(f, "id");
    const chid = text(f, "chid");
    const callerid = text(f, "callerid");
    const user = text(f, "user");
    const did = text(f, "did");
    let callID = callIdOf(id);
    if (callID === null) for (const file of files) callID ??= callIdOf(file);
    return {
      source: "webhook",
      callID,
      ...(id ? { id } : {}),
      ...(chid ? { chid } : {}),
      ...(callerid ? { callerid } : {}),
      ...(user ? { user } : {}),
      ...(did ? { did } : {}),
      ...(hook.direction ? { direction: hook.direction } : {}),
      at: new Date(now).toISOString(),
      webhook: f,
    };
  }

  /** call.started the first time a call is heard of. */
  private start(key: string | undefined, base: CallEventBase, now: number): MonitorEvent[] {
    if (key === undefined || this.calls.has(key)) return [];
    if (this.calls.size >= this.maxCalls) {
      const oldest = this.calls.keys().next().value;
      if (oldest !== undefined) this.calls.delete(oldest);
    }
    this.calls.set(key, { key, firstSeen: now, base });
    return [{ topic: "call.started", payload: { ...base, startedAt: base.at } }];
  }

  private end(key: string | undefined, base: CallEventBase, hook: ParsedWebhook, now: number): MonitorEvent {
    const f = hook.fields;
    const heard = key === undefined ? undefined : this.calls.get(key);
    if (key !== undefined) this.calls.delete(key);
    const finishtype = text(f, "finishtype");
    const missed = finishtype !== undefined ? finishtype.toLowerCase() === "missed" : heard !== undefined && heard.answeredAt === undefined;
    // The generator's own time (K2M Duration, or the "(m:ss)" of the title) is the talk time [inferred].
    const told = clockSeconds(text(f, "duration")) ?? titleSeconds(text(f, "title"));
    const heardTalk = heard?.answeredAt !== undefined ? seconds(now - heard.answeredAt) : undefined;
    const talkTime = missed ? 0 : (told ?? heardTalk ?? null);
    const duration = heard ? seconds(now - heard.firstSeen) : (told ?? null);
    return {
      topic: "call.ended",
      payload: {
        ...base,
        duration: duration === null || talkTime === null ? duration : Math.max(duration, talkTime),
        talkTime,
        missed,
        ...(heard ? { startedAt: new Date(heard.firstSeen).toISOString() } : {}),
        ...(heard?.answeredAt !== undefined ? { answeredAt: new Date(heard.answeredAt).toISOString() } : {}),
        endedAt: base.at,
        ...(finishtype ? { finishtype } : {}),
        ...(text(f, "transfer") !== undefined ? { transferred: isTrue(text(f, "transfer")) } : {}),
      },
    };
  }
}
