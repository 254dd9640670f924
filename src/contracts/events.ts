// What the service tells the dashboard, live: each event's name and payload. Shared
// with web/ (type-only), so a renamed field fails `npm run typecheck` on both sides.
// Types only, importing nothing: the dashboard compiles these files too.

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

/** Why a call-back was closed: by the dialler, by the patient, or by the desk (with its reason). */
export type CallBackClosedBecause =
  | 'rung_back'
  | 'by_hand'
  | 'cancelled_by_patient'
  | 'spoke_to_them'
  | 'left_message'
  | 'not_needed'
  | 'wrong_number'
  | 'could_not_reach';

export interface EventPayloads {
  'call.ringing': { callId: string; callSid: string; from: string; callers: CallerMatch[] };
  'call.queued': { callId: string; callSid: string; from: string; position: number; waitSeconds: number };
  'call.answered': {
    callId: string;
    callSid: string;
    answeredBy: { userId: string; email: string; name: string | null };
  };
  'call.left_queue': { callId: string; callSid: string; reason: 'voicemail' | 'abandoned' | 'no_answer' | 'call_back' };
  'voicemail.new': { callId: string; recordingId: string; from: string; durationSeconds: number | null };
  'recording.ready': {
    recordingId: string;
    callId: string;
    kind: 'call' | 'voicemail';
    durationSeconds: number | null;
  };
  /**
   * A voicemail's transcript is settled: `completed` (the text is read through the
   * recording's transcript route, audited), `failed`, or `timed_out` (none came in time).
   */
  'recording.transcribed': {
    recordingId: string;
    callId: string;
    status: 'completed' | 'failed' | 'timed_out' | 'out_of_range';
  };
  /** A call went on the call-back list: a new entry, or `joined` the open one for its number. */
  'callback.added': {
    callBackId: string;
    callId: string;
    reason: 'requested' | 'voicemail' | 'missed' | 'abandoned';
    joined: boolean;
  };
  /** A receptionist is reserved to take a call-back from the queue (their Live screen says so); then it rings, then how it went. */
  'callback.reserved': { callBackId: string; staffId: string };
  'callback.ringing': { callBackId: string; staffId: string };
  'callback.rung': { callBackId: string; outcome: 'done' | 'retry' | 'listed'; staffId: string | null };
  /** The person kept for a call-back is no longer (they went, picked a caller by hand, the patient rang in): it waits in its place. */
  'callback.released': { callBackId: string; staffId: string };
  /** Closed: rung back, marked done by hand, or cancelled by the patient. */
  'callback.done': {
    callBackId: string;
    callId: string;
    doneBy: string | null;
    doneAt: string;
    because: CallBackClosedBecause;
  };
  /** Someone at the desk took a call-back to work, let it go, or logged a try at it: the list changed. */
  'callback.worked': { callBackId: string };
  /** `name` is the person's display name, null until they give one. */
  'staff.presence': { userId: string; name: string | null; email: string; available: boolean };
  /** The phone simulator put a caller through to a browser identity (as Twilio rings the Voice SDK). */
  'simulator.browser_ringing': { callSid: string; identity: string };
  /** That browser is off the call: either end hung up (as the Voice SDK's `disconnect`). */
  'simulator.browser_disconnected': { callSid: string; identity: string };
  /** The service placed a call (ringing a patient back) and the phone simulator rings "the patient's phone". */
  'simulator.phone_ringing': { callSid: string; from: string; to: string };
  'call.ended': {
    callId: string;
    callSid: string;
    status: string;
    durationSeconds: number | null;
    outcome: string | null;
  };
  'appointment.booked': { appointment: AppointmentSummary; source: string };
  'appointment.cancelled': { appointment: AppointmentSummary; reason: string | null };
  'appointment.moved': {
    appointment: AppointmentSummary;
    from: { practitionerId: string; startsAt: string; endsAt: string };
  };
  'appointment.status_changed': { appointment: AppointmentSummary };
  'waitlist.match': {
    waitlistEntryId: string;
    patientId: string;
    patientName: string;
    slot: { practitionerId: string; startsAt: string; endsAt: string; typeId: string };
  };
}

export type EventName = keyof EventPayloads;

/** One event as published and as a dashboard receives it. `AppEvent` alone is any of them, told apart by `name`. */
export type AppEvent<N extends EventName = EventName> = {
  [K in N]: { name: K; clinicId: string; at: string; data: EventPayloads[K] };
}[N];

/** What a dashboard's socket hears besides the events: the hub's own messages. */
export interface HubMessages {
  /** The socket is in its rooms; `recovered` when it got the events it missed while away. */
  ready: { recovered: boolean };
  /** The person left this clinic (removed, or it closed): its screen closes. */
  'clinic.left': { name: 'clinic.left'; clinicId: string; at: string; data: Record<string, never> };
}

/**
 * What a dashboard tells the hub. `answering`: the Live screen (with its phone and its
 * idle check) is open on this connection, or closed; presence counts only such
 * connections. Acknowledged once recorded.
 */
export interface DashboardMessages {
  answering: (on: boolean, done: () => void) => void;
}
