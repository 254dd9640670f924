// The one event bus: services publish after their database write commits;
// the dashboard (Socket.IO) and telephony subscribe. Nothing here knows either.
// Beside the clinics' events it carries changes to who may see them (access changes),
// which the live hub acts on and which never reach a dashboard.
import { EventEmitter } from 'node:events';
import type { AppEvent, EventName, EventPayloads } from '../contracts/events.js';

export type { AppEvent, AppointmentSummary, CallerMatch, EventName, EventPayloads } from '../contracts/events.js';

/** Who may see a clinic's events changed: the live hub drops or narrows their sockets, on every instance. */
export type AccessChange =
  /** A session ended (sign-out). */
  | { kind: 'session_ended'; tokenHash: string }
  /** Every session of a person ended (their last clinic removed them, or it closed). */
  | { kind: 'signed_out'; userId: string }
  /** A person left one clinic; their other clinics carry on. */
  | { kind: 'left_clinic'; userId: string; clinicId: string };

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  publish<N extends EventName>(name: N, clinicId: string, data: EventPayloads[N], at = new Date()): void {
    const event: AppEvent<N> = { name, clinicId, at: at.toISOString(), data };
    this.emitter.emit('event', event);
  }

  /** Every event, for fan-out (dashboards) and tests. Returns the unsubscribe function. */
  subscribe(listener: (event: AppEvent) => void): () => void {
    return this.listen('event', listener);
  }

  accessChanged(change: AccessChange): void {
    this.emitter.emit('access', change);
  }

  /** Every access change. Returns the unsubscribe function. */
  onAccessChange(listener: (change: AccessChange) => void): () => void {
    return this.listen('access', listener);
  }

  private listen<T>(channel: string, listener: (value: T) => void): () => void {
    // A failing subscriber must not break the write that published.
    const safe = (value: T) => {
      try {
        listener(value);
      } catch {
        /* subscribers log their own failures */
      }
    };
    this.emitter.on(channel, safe);
    return () => this.emitter.off(channel, safe);
  }
}
