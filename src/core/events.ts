// The one event bus: services publish after their database write commits;
// the dashboard (Socket.IO) and telephony subscribe. Nothing here knows either.
// Beside the clinics' events it carries changes to who may see them (access changes),
// which the live hub acts on and which never reach a dashboard.
import { EventEmitter } from 'node:events';

export interface AppointmentSummary {
  id: string;
  practitionerId: string;
  patientId: string;
  typeId: string;
  startsAt: string;
  endsAt: string;
  status: string;
}

export interface CallerMatch {
  patientId: string;
  name: string;
  nextAppointment: { startsAt: string; practitionerName: string } | null;
}

export interface EventPayloads {
  'call.ringing': { callId: string; callSid: string; from: string; callers: CallerMatch[] };
  'call.queued': { callId: string; callSid: string; from: string; position: number; waitSeconds: number };
  'call.answered': { callId: string; callSid: string; answeredBy: { userId: string; email: string } };
  'call.left_queue': { callId: string; callSid: string; reason: 'voicemail' | 'abandoned' | 'no_answer' };
  'voicemail.new': { callId: string; recordingId: string; from: string; durationSeconds: number | null };
  'recording.ready': { recordingId: string; callId: string; kind: 'call' | 'voicemail'; durationSeconds: number | null };
  'callback.done': { callBackId: string; callId: string; doneBy: string; doneAt: string };
  'staff.presence': { userId: string; email: string; available: boolean };
  /** The phone simulator put a caller through to a browser identity (as Twilio rings the Voice SDK). */
  'simulator.browser_ringing': { callSid: string; identity: string };
  'call.ended': { callId: string; callSid: string; status: string; durationSeconds: number | null; outcome: string | null };
  'appointment.booked': { appointment: AppointmentSummary; source: string };
  'appointment.cancelled': { appointment: AppointmentSummary; reason: string | null };
  'appointment.moved': { appointment: AppointmentSummary; from: { practitionerId: string; startsAt: string; endsAt: string } };
  'appointment.status_changed': { appointment: AppointmentSummary };
  'waitlist.match': { waitlistEntryId: string; patientId: string; patientName: string; slot: { practitionerId: string; startsAt: string; endsAt: string; typeId: string } };
}

export type EventName = keyof EventPayloads;
export type AppEvent<N extends EventName = EventName> = { name: N; clinicId: string; at: string; data: EventPayloads[N] };

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
