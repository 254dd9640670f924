// What the service answers the dashboard: the JSON body of each endpoint it reads, field
// by field as the server sends it (an instant is its ISO 8601 string). Routes check their
// answer against these (src/http/wire.ts) and web/ imports them (type-only), so a renamed
// field fails `npm run typecheck` on both sides. Types only: the dashboard compiles this.
import type { AppointmentSummary, CallerMatch } from './events.js';

/** Any JSON the server keeps as it was given: an audit entry's details, a call event's data. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export type JsonObject = { [key in string]?: JsonValue };

export type Role = 'owner' | 'receptionist';
export type AppointmentStatus = 'booked' | 'attended' | 'no_show' | 'cancelled';

/** Something the dashboard shows by name: a patient, a practitioner, an appointment type. */
export interface Named {
  id: string;
  name: string;
}

/** Who a caller's number belongs to, by name only (a family may share one). */
export type CallerName = Pick<CallerMatch, 'name'>;

// ---- Session and accounts: /api/session, /api/password-links/*, /api/invitations/*

export interface ClinicSummary {
  id: string;
  name: string;
  timeZone: string;
  locale: string;
  role: Role;
}

/** GET, POST and DELETE /api/session and POST /api/password-links/use: what the dashboard starts from. */
export interface SessionInfo {
  /** name: what colleagues call them, null until given (screens show the email). */
  user: { id: string; email: string; name: string | null } | null;
  clinics: ClinicSummary[];
  csrfToken: string;
  /** Whether this service sends email (SMTP_URL set): "Forgot your password?" emails a link only then. */
  sendsEmail: boolean;
}

/** POST /api/invitations/accept: the session, and the clinic just joined. */
export interface JoinedSession extends SessionInfo {
  joined: string;
}

/** POST /api/password-links/inspect. */
export interface PasswordLinkView {
  email: string;
  name: string | null;
}

/** POST /api/session/forgot-password: the same answer whether or not the email has an account. */
export interface PasswordResetAsked {
  accepted: true;
}

/** POST /api/invitations/inspect: what the invitation page shows before accepting. */
export interface InvitationOffer {
  email: string;
  /** The name the inviting owner typed, if any: the new account starts with it. */
  name: string | null;
  role: Role;
  clinicName: string;
  expiresAt: string;
}

// ---- The clinic: /api/clinics/:clinicId

/** PATCH /api/clinics/:clinicId: the clinic's settings, and the person's role there. */
export interface ClinicSettings extends ClinicSummary {
  fallbackNumber: string | null;
  emergencyMessage: string | null;
  greeting: string | null;
  receptionNumber: string | null;
  recordCalls: boolean;
  recordingNotice: string | null;
  /** The phrases that send a caller to the emergency advice, one a line; null: the defaults. */
  urgentPhrases: string | null;
  /** What those callers hear; null: the country's default. */
  emergencyAdvice: string | null;
  /** When an owner last approved the phrases and the advice; null: never. */
  emergencyAdviceApprovedAt: string | null;
  maxQueueWaitSeconds: number;
  maxQueueSize: number;
  /** An English GP practice's ODS code: with it, the NHS cloud-based telephony statistics are offered. */
  odsCode: string | null;
  /** Call-back in the queue: offered after this many seconds waiting (at once when the queue is long); null: not offered. */
  queueCallBackAfterSeconds: number | null;
  callBackAttempts: number;
  callBackRetryMinutes: number;
  /** Whether a caller asking for a call-back may choose a later time today ("after 2 pm"). */
  callBackWindows: boolean;
  textMessages: boolean;
  recordingRetentionDays: number;
  voicemailRetentionDays: number;
  callLogRetentionDays: number;
  auditRetentionDays: number;
  receptionistsHearRecordings: boolean;
  /** Voicemails of 2 s to 2 min are transcribed by Twilio (a paid feature of Twilio's). */
  transcribeVoicemails: boolean;
  createdAt: string;
  numbers: string[];
}

/** GET /api/clinics/:clinicId. */
export interface ClinicDetail extends ClinicSettings {
  /** Whether this server runs the phone simulator. */
  simulator: boolean;
  /** What callers hear while the clinic keeps the defaults: the urgent phrases (one a line) and the country's advice. */
  emergencyDefaults: { urgentPhrases: string; advice: string };
}

export interface StaffMember {
  id: string;
  email: string;
  /** Shown instead of the email when set. */
  name: string | null;
  role: Role;
  since: string;
}

/** GET …/staff. */
export interface StaffList {
  staff: StaffMember[];
}

export interface InvitationView {
  id: string;
  email: string;
  /** The name the owner typed for the invitee, if any. */
  name: string | null;
  role: Role;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
  /** The inviting owner's name, else email. */
  invitedBy: string | null;
  /** When the invitation email left; null: not sent yet, or (without email) handed over as a link. */
  emailedAt: string | null;
}

/** GET …/invitations: the open ones, expired included. */
export interface InvitationList {
  invitations: InvitationView[];
  /** Whether invitations are emailed to the invitee (SMTP_URL set) rather than handed over as a link. */
  byEmail: boolean;
}

/** POST …/invitations: the link is shown to the owner this once; null when it is emailed to the invitee instead. */
export interface NewInvitation {
  invitation: InvitationView;
  link: string | null;
}

// ---- Reception: /api/presence, /api/voice/token, …/queue, …/call-backs

/** GET and PUT /api/presence. */
export interface Presence {
  available: boolean;
}

/** GET /api/voice/token: a Twilio Voice token, or, under the phone simulator, none. */
export type VoiceToken =
  // `simulated` is never sent with a token; declared so either answer can be asked.
  | { token: string; identity: string; expiresAt: string; simulated?: undefined }
  | { simulated: true; identity: string; expiresAt: string };

/** A caller waiting for reception. */
export interface QueueEntry {
  id: string;
  fromNumber: string;
  queuedAt: string | null;
  /** waiting, or claimed (being put through). */
  queueStatus: string | null;
  claimedBy: string | null;
  position: number;
  waitSeconds: number;
  callers: CallerName[];
}

/** A call-back asked for from the queue, still to be rung: in the queue at its caller's place. */
export interface QueueCallBack {
  id: string;
  ringNumber: string;
  /** When the caller first joined the queue: their place. */
  joinedQueueAt: string;
  /** waiting (its turn to come), reserved (a receptionist kept for it), ringing (the patient's phone rings). */
  state: 'waiting' | 'reserved' | 'ringing';
  /** Not rung before this (a retry gap, a time the patient chose); null: when it is next. */
  notBefore: string | null;
  reservedFor: { userId: string; email: string; name: string | null } | null;
  attempts: number;
  callers: CallerName[];
  /** The patient is waiting on the line now, as this caller (they rang again): answer them in the call-back's place. */
  onLineCallId: string | null;
}

/** GET …/queue: the callers on the line, longest waiting first, and the call-backs in their places. */
export interface QueueList {
  callers: QueueEntry[];
  callBacks: QueueCallBack[];
}

/** A caller to ring back: a voicemail, or someone who gave up waiting. */
/** One call a call-back entry follows up (a repeat call from the number joins its open entry). */
export interface CallBackCall {
  id: string;
  startedAt: string;
  /** missed, voicemail, abandoned (or, for a call answered meanwhile, its own outcome). */
  outcome: string | null;
  /** Why nobody answered: hung_up_waiting, longest_wait, queue_full, nobody_free, desk_unanswered, not_put_through, asked_for_message, out_of_hours_message, urgent_out_of_hours. */
  missedBecause: string | null;
  /** Seconds from asking for a person to the end of the call, when they asked. */
  waitedSeconds: number | null;
}

export interface CallBackEntry {
  id: string;
  /** requested (a call-back asked for from the queue), voicemail (a message on one of its calls), missed (reached voicemail, no message) or abandoned (hung up waiting). */
  reason: string;
  fromNumber: string;
  callers: CallerName[];
  createdAt: string;
  /** The call that made the entry. */
  callId: string;
  callStartedAt: string;
  /** Every call it follows up, oldest first. */
  calls: CallBackCall[];
  /** Asked for from the queue: the number to ring, the caller's place (when they first joined the queue), where ringing back stands. */
  queueCallBack: {
    ringNumber: string | null;
    joinedQueueAt: string | null;
    state: string | null;
    attempts: number;
  } | null;
  /** The latest message left on any of its calls; its transcript is read through …/recordings/:id/transcript. */
  voicemail: { id: string; status: string; durationSeconds: number | null; transcriptStatus: string | null } | null;
  /** Closed: when, by whom, why (rung_back, by_hand, cancelled_by_patient, or the desk's reason). */
  done: { at: string; by: string | null; email: string | null; name: string | null; because: string | null } | null;
  /** Who at the desk is working it. */
  assignedTo: { userId: string; email: string | null; name: string | null } | null;
  /** Every try at ringing back, the dialler's and those logged by hand, oldest first. */
  tries: Array<{
    id: string;
    at: string;
    result: string | null;
    note: string | null;
    /** Logged by hand at the desk (made on another phone). */
    byHand: boolean;
    /** Rung from the browser phone. */
    fromBrowser: boolean;
    email: string | null;
    name: string | null;
  }>;
}

/** GET …/call-backs. */
export interface CallBackList {
  callBacks: CallBackEntry[];
}

// ---- The call log: …/calls

export interface CallLogRow {
  id: string;
  callSid: string;
  fromNumber: string;
  toNumber: string;
  status: string;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  /** booked, moved, cancelled, reception (answered by a person), voicemail, missed, abandoned, out_of_hours, failed, call_back. */
  outcome: string | null;
  answeredBy: string | null;
}

/** GET …/calls, newest first. */
export interface CallLogPage {
  calls: CallLogRow[];
  nextCursor: string | null;
}

export interface CallEventView {
  at: string;
  kind: string;
  data: JsonValue | null;
}

/** A call's recording or voicemail. */
export interface CallRecording {
  id: string;
  /** call or voicemail. */
  kind: string;
  /** completed (still at Twilio), stored, absent or failed. */
  status: string;
  durationSeconds: number | null;
  legalHold: boolean;
  holdReason: string | null;
  createdAt: string;
  /** A voicemail's transcript: null (none asked for), awaited, completed, failed, timed_out or out_of_range. */
  transcriptStatus: string | null;
}

/**
 * GET …/recordings/:recordingId/transcript: what Twilio made of a voicemail. `text` only
 * when `status` is completed (empty when Twilio heard no words); reading it is audited.
 */
export interface RecordingTranscript {
  recordingId: string;
  status: string | null;
  text: string | null;
  /** The message's length, to say why one too short or too long has none. */
  durationSeconds: number | null;
}

/** GET …/calls/:callId: the call, what happened on it, its recordings. */
export interface CallTimeline extends CallLogRow {
  events: CallEventView[];
  recordings: CallRecording[];
}

// ---- The diary: …/patients, …/slots, …/diary

export interface PatientSummary {
  id: string;
  name: string;
  /** The main number (texts go there), E.164; the first of `phones`. */
  phone: string | null;
  /** Every number, the main one first. */
  phones: string[];
  /** A date like 1980-04-23. */
  dateOfBirth: string | null;
  notes: string | null;
  /** Who books for them (another patient), and what they are to them ("mother"). */
  guardian: Named | null;
  guardianRelation: string | null;
  createdAt: string;
  updatedAt: string;
}

/** GET …/patients?q=: by name (accents and case ignored), any number, or a date of birth. */
export interface PatientSearch {
  patients: PatientSummary[];
}

/** An appointment's own fields (the buffer after it is the diary's business). */
export interface AppointmentRecord extends AppointmentSummary {
  clinicId: string;
  status: AppointmentStatus;
  /** phone or dashboard. */
  source: string;
  createdAt: string;
  createdBy: string | null;
  cancelledAt: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
}

/**
 * GET …/patients/:patientId: the patient, whom they book for, their last 50
 * appointments (newest first) and how many they missed, and the latest calls and
 * texts on their numbers, waiting-list entries and open call-backs.
 */
export interface PatientRecord extends PatientSummary {
  booksFor: Array<Named & { guardianRelation: string | null }>;
  noShows: number;
  appointments: Array<AppointmentRecord & { practitioner: { name: string }; type: { name: string } }>;
  calls: Array<{
    id: string;
    direction: string;
    fromNumber: string;
    toNumber: string;
    startedAt: string;
    endedAt: string | null;
    outcome: string | null;
    status: string;
  }>;
  texts: Array<{ id: string; kind: string; toNumber: string; status: string; createdAt: string }>;
  waitlist: Array<{
    id: string;
    fromDate: string;
    toDate: string;
    createdAt: string;
    resolvedAt: string | null;
    type: { name: string };
    practitioner: { name: string } | null;
  }>;
  callBacks: Array<{ id: string; reason: string; fromNumber: string; ringNumber: string | null; createdAt: string }>;
}

/**
 * GET …/calls/:callId/card: who the caller may be (every patient on the number and
 * whom they book for — caller ID can be spoofed, so confirm before discussing a
 * record), their next and recent appointments, the number's recent calls and open
 * call-backs, and the desk's note on this call.
 */
export interface CallerCard {
  call: {
    id: string;
    direction: string;
    fromNumber: string;
    toNumber: string;
    /** The other party's number in full (the desk may need to ring it). */
    number: string;
    startedAt: string;
    endedAt: string | null;
    queueStatus: string | null;
    note: string | null;
    notedAt: string | null;
  };
  patients: Array<
    PatientSummary & {
      /** On the number that rang (else someone a patient on it books for). */
      onThisNumber: boolean;
      noShows: number;
      next: DiaryAppointment[];
      recent: DiaryAppointment[];
    }
  >;
  recentCalls: Array<{
    id: string;
    direction: string;
    startedAt: string;
    outcome: string | null;
    missedBecause: string | null;
    note: string | null;
  }>;
  callBacks: Array<{ id: string; reason: string; createdAt: string; ringNumber: string | null }>;
}

/** PUT …/calls/:callId/note. */
export interface CallNote {
  id: string;
  note: string | null;
  notedAt: string | null;
}

/** GET …/waitlist: who is waiting for a time, longest first. */
export interface WaitingList {
  waitlist: Array<{
    id: string;
    patientId: string;
    typeId: string;
    /** Any practitioner who offers the type when null. */
    practitionerId: string | null;
    /** The clinic's local dates, both included. */
    fromDate: string;
    toDate: string;
    createdAt: string;
    patient: { id: string; name: string; phone: string | null };
    type: Named;
    practitioner: Named | null;
  }>;
}

/** POST …/waitlist/:entryId/offers: whether a text went (false: that time was offered to them before). */
export interface WaitlistOfferSent {
  offered: boolean;
}

/** A time a type of appointment can be booked. */
export interface FreeSlot {
  practitionerId: string;
  startsAt: string;
  endsAt: string;
}

/** GET …/slots. */
export interface FreeSlots {
  slots: FreeSlot[];
}

/** An appointment as the calendar and the caller's card show it (who made or cancelled it is in the audit log and the record). */
export interface DiaryAppointment extends AppointmentSummary {
  status: AppointmentStatus;
  /** phone, dashboard or text. */
  source: string;
  patient: Named;
  type: Named;
  practitioner: Named;
}

export interface ClosureView {
  id: string;
  clinicId: string;
  /** Null when the whole clinic is closed. */
  practitionerId: string | null;
  startsAt: string;
  endsAt: string;
  reason: string | null;
  createdAt: string;
}

/** When a practitioner works on one local day (one entry per range of their hours). */
export interface WorkingTime {
  practitionerId: string;
  /** The clinic's local date, like 2027-06-08. */
  date: string;
  startsAt: string;
  endsAt: string;
}

/**
 * GET …/diary: a day's or a week's appointments (cancelled ones only with
 * includeCancelled=true), closures, and who works when — the calendar's columns.
 */
export interface DiaryDay {
  timeZone: string;
  from: string | null;
  to: string | null;
  /** The local dates shown, in order. */
  days: string[];
  /** The columns, in order: the chosen practitioners, or everyone active (and anyone with an appointment shown). */
  practitioners: Named[];
  working: WorkingTime[];
  appointments: DiaryAppointment[];
  closures: ClosureView[];
}

// ---- The diary's set-up: practitioners, appointment types, hours, closures, rules, calendar links

/** A weekly range in the clinic's wall-clock time; weekday 1 is Monday. */
export interface HoursRange {
  weekday: number;
  /** Like 09:00. */
  start: string;
  /** Like 17:30; 24:00 for midnight. */
  end: string;
}

/** GET and PUT …/opening-hours and PUT …/practitioners/:id/hours. */
export interface HoursList {
  hours: HoursRange[];
}

export interface PractitionerView {
  id: string;
  clinicId: string;
  name: string;
  /** How the phone line says them: "Dr Patel". */
  spokenName: string;
  active: boolean;
  createdAt: string;
  hours: HoursRange[];
}

/** GET …/practitioners. */
export interface PractitionerList {
  practitioners: PractitionerView[];
}

export interface AppointmentTypeView {
  id: string;
  clinicId: string;
  name: string;
  durationMinutes: number;
  bufferAfterMinutes: number;
  phoneBookable: boolean;
  /** Other words callers use for it on the phone. */
  synonyms: string[];
  active: boolean;
  createdAt: string;
  practitionerIds: string[];
}

/** GET …/appointment-types. */
export interface AppointmentTypeList {
  appointmentTypes: AppointmentTypeView[];
}

/** GET …/closures: those that have not ended. */
export interface ClosureList {
  closures: ClosureView[];
}

/** GET and PATCH …/booking-rules: how soon and how far ahead callers may book by phone. */
export interface BookingRules {
  minNoticeMinutes: number;
  horizonDays: number;
}

export interface CalendarFeedView {
  id: string;
  /** Null for the whole clinic's feed. */
  practitionerId: string | null;
  practitionerName: string | null;
  showFullNames: boolean;
  url: string;
}

/** GET …/calendar-feeds. */
export interface CalendarFeedList {
  feeds: CalendarFeedView[];
}

// ---- Statistics: …/statistics

/** A day's counts and sums; any period's are their sums (src/statistics/tally.ts). */
export interface DayTotals {
  /** Incoming calls by the local hour they started in. */
  callsByHour: number[];
  calls: number;
  askedForReception: number;
  answered: number;
  answeredWithin20s: number;
  answerSecondsTotal: number;
  longestAnswerSeconds: number;
  abandoned: number;
  abandonedWaitSecondsTotal: number;
  abandonedWaitCount: number;
  voicemails: number;
  booked: number;
  moved: number;
  cancelled: number;
  outOfHours: number;
  callBacksRequested: number;
  callBacksMade: number;
  callSecondsTotal: number;
  callSecondsCount: number;
  /** Calls on which the caller said an urgent phrase and heard the emergency advice. */
  urgent: number;
  /** NHS England's cloud-based telephony figures for the day (src/statistics/nhs-telephony.ts); null for a day kept before they were counted, whose calls are gone. */
  cbt: CbtDay | null;
}

/** One local day's NHS cloud-based telephony figures: counts only, so any month is the exact sum of its days. */
export interface CbtDay {
  /** Each class (CBT002–CBT005) and CBT001, all of them, by the NHS time bands. */
  byBand: Record<'CBT001' | 'CBT002' | 'CBT003' | 'CBT004' | 'CBT005', number[]>;
  /** CBT003 by the NHS wait buckets: from asking for a person to a person answering. */
  answeredByWait: number[];
  /** CBT004 by the NHS wait buckets: from asking for a person (or the call starting) to the call ending. */
  missedByWait: number[];
  /** CBT007: CBT003 by the NHS duration buckets, from the answer to the end. */
  answeredByDuration: number[];
  /** CBT006: call-backs from the queue dialled, and those a patient answered and confirmed. */
  callBacksDialled: number;
  callBacksConnected: number;
}

/** A day's or a period's totals, and the rates and averages drawn from them (null when nothing to measure). */
export interface StatisticsFigures extends DayTotals {
  answeredWithin20sRate: number | null;
  abandonmentRate: number | null;
  averageAnswerSeconds: number | null;
  averageAbandonedWaitSeconds: number | null;
  averageCallSeconds: number | null;
  bookedOrChanged: number;
}

/** GET …/statistics?from=&to= (local dates, both included). */
export interface StatisticsReport {
  from: string;
  to: string;
  timeZone: string;
  /** NHS England's telephony targets, as fractions. */
  targets: { answeredWithin20s: number; abandonment: number };
  totals: StatisticsFigures;
  days: Array<StatisticsFigures & { date: string }>;
  /** NHS England's cloud-based telephony view of the period; null when a day in it has no NHS figures. */
  nhs: NhsView | null;
}

export interface NhsBucket {
  label: string;
  calls: number;
}

export interface NhsView {
  indicators: {
    CBT001: number;
    CBT002: number;
    CBT003: number;
    CBT004: number;
    CBT005: number;
    /** Call-backs from the queue dialled (NHS England's "callbacks made")… */
    CBT006: number;
    /** …and those a patient answered and confirmed. */
    CBT006_connected: number;
    CBT007: number;
  };
  /** CBT001 by NHS England's time bands. */
  bands: NhsBucket[];
  answeredByWait: NhsBucket[];
  missedByWait: NhsBucket[];
  answeredByDuration: NhsBucket[];
}

// ---- Data protection: …/patients/:id/erasure, …/audit, …/retention

/** GET …/patients/:patientId/erasure: what erasing would remove. */
export interface ErasurePreview {
  patientId: string;
  name: string;
  appointments: number;
  waitlistEntries: number;
  calls: number;
  recordings: number;
  textMessages: number;
  heldRecordings: number;
  phoneSharedWithOtherPatients: boolean;
}

/** The audit filter's kinds (`category=`); no category: everything. */
export type AuditCategory = 'appointments' | 'calls' | 'recordings' | 'patients' | 'settings' | 'staff' | 'sign_ins';

/** A row of the audit log in words; one person's sign-ins in a row on one day are one row (count). */
export interface AuditEntryView {
  /** The row's newest entry. */
  id: string;
  at: string;
  /** The row's oldest entry (the same as at for a single entry). */
  firstAt: string;
  count: number;
  /** The person's name (else email), or The service, An operator, Someone (a wrong password), A former member of staff. */
  who: string;
  /** "cancelled an appointment", "changed settings: Desk phone, Time zone", "signed in 12 times". */
  what: string;
  /** Whom or what, as things are now: "Jane Doe's Check-up on Mon, 7 Dec 2026, 14:05 with Omar Khan", "an erased patient". */
  about: string | null;
  category: AuditCategory | null;
  /** type is user, operator, system or someone; name and email only for a user still known. */
  actor: { type: string; id: string | null; name: string | null; email: string | null };
  action: string;
  subject: { type: string; id: string | null } | null;
  details: JsonValue | null;
}

/** GET …/audit (?category, actor, from, to, limit, before), newest first; nextBefore pages on. GET …/audit.csv: the same filters, every entry. */
export interface AuditPage {
  entries: AuditEntryView[];
  nextBefore: string | null;
}

/** GET …/retention: the periods (changed through the clinic's settings), the next purge and the last one's counts. */
export interface RetentionPanel {
  recordingRetentionDays: number;
  voicemailRetentionDays: number;
  callLogRetentionDays: number;
  auditRetentionDays: number;
  receptionistsHearRecordings: boolean;
  transcribeVoicemails: boolean;
  nextRunAt: string;
  /** counts is the purge's audit details: what it destroyed, by kind. */
  lastRun: { at: string; counts: JsonValue | null } | null;
}

// ---- The phone simulator: …/simulator/calls

export type SimulatedCallState = 'ringing' | 'listening' | 'gathering' | 'recording' | 'queued' | 'connected' | 'ended';

export interface TranscriptLine {
  /** Milliseconds since the call started. */
  at: number;
  /** What the line said, what the caller did, or what happened on the call. */
  who: 'line' | 'caller' | 'call';
  text: string;
}

/** Every answer under …/simulator/calls: the call and its transcript so far. */
export interface SimulatedCallView {
  sid: string;
  /** `inbound`: a patient calling the clinic; `outbound-api`: the service ringing a patient's phone (a ring-back). */
  direction: 'inbound' | 'outbound-api' | 'outbound-dial';
  from: string;
  to: string;
  /** `ringing` on a call the service placed: the patient's phone rings, waiting to be answered or declined. */
  state: SimulatedCallState;
  /** What the line waits for: keys, keys or speech, a message, or nothing. */
  takes: string | null;
  /** How many keys the question waits for; null when any number ends with #. */
  digits: number | null;
  transcript: TranscriptLine[];
}

/** GET …/simulator/patients-phone: the calls the service placed to patients' phones, ringing or not yet over. */
export interface PatientsPhoneList {
  calls: SimulatedCallView[];
}

// ---- Set-up: /api/clinics/:clinicId/setup

/** What an owner must do before callers are served, in the order to do it. */
export type SetupItemKey =
  | 'reception-hours'
  | 'practitioner'
  | 'working-hours'
  | 'phone-booking'
  | 'emergency-advice'
  | 'someone-answers'
  | 'first-call';

export interface SetupItem {
  key: SetupItemKey;
  done: boolean;
  /** The thing to have, in the owner's words ("Reception hours"). */
  title: string;
  /** What is missing and how to do it, or what is there. */
  detail: string;
  /** The Settings section where it is done (its heading), or null when it is not done in Settings. */
  settingsSection: string | null;
}

/** GET …/setup (owners): the set-up checklist; `done` when every item is. */
export interface SetupChecklist {
  done: boolean;
  items: SetupItem[];
}
