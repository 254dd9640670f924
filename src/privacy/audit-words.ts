// The audit log in the owner's words: every action code the service writes (grep
// `action:` under src/), as what the person did. Entries keep only codes, ids, counts and
// field names (the log outlives erasure), so everything a person reads is put together
// here when the log is read. test/privacy/audit-words.test.ts fails when a code written
// anywhere in src/ has no words here.

import { SETTING_LABELS } from '../clinics/setting-labels.js';

/** What an entry is about, for the owner's filter. */
export const AUDIT_CATEGORIES = [
  'appointments',
  'calls',
  'recordings',
  'patients',
  'settings',
  'staff',
  'sign_ins',
] as const;
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];

type Details = Record<string, unknown>;
/** A member of staff's name (else email) by user id, as things are now. */
export type NameOf = (userId: string) => string;

interface Words {
  category: AuditCategory;
  /** What they did: "cancelled an appointment", "changed settings: Desk phone, Time zone". */
  what: string | ((details: Details, nameOf: NameOf) => string);
}

// Field names as the screens label them (settings: the Settings screen's own words); any other is spelled out from its name.
const FIELD_LABELS: Record<string, string> = {
  ...SETTING_LABELS,
  name: 'Name',
  minNoticeMinutes: 'Notice for phone bookings',
  horizonDays: 'Bookable up to (days ahead)',
  spokenName: 'Spoken name',
  active: 'In use',
  durationMinutes: 'Length',
  bufferAfterMinutes: 'Gap after',
  phoneBookable: 'Bookable by phone',
  synonyms: 'Other words for it',
  practitionerIds: 'Practitioners',
  phone: 'Phone numbers',
  otherPhones: 'Phone numbers',
  dateOfBirth: 'Date of birth',
  notes: 'Notes',
  guardianId: 'Booked for by',
  guardianRelation: 'Relation',
};

/** "receptionNumber" → "Desk phone"; an unknown field → its words ("fooBar" → "Foo bar"). */
export function fieldLabel(field: string): string {
  const known = FIELD_LABELS[field];
  if (known) return known;
  const words = field.replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const fieldsOf = (d: Details): string[] =>
  Array.isArray(d.fields) ? [...new Set(d.fields.map((f) => fieldLabel(String(f))))] : [];
/** "changed settings: Desk phone, Time zone", or the bare words when no fields were kept. */
const changed = (words: string) => (d: Details) => {
  const fields = fieldsOf(d);
  return fields.length ? `${words}: ${fields.join(', ')}` : words;
};

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
/** "2 appointments, 1 call": the counts that are not nought. */
const counts = (d: Details, names: Array<[string, string, string?]>) =>
  names
    .filter(([key]) => num(d[key]) > 0)
    .map(([key, one, many]) => count(num(d[key]), one, many))
    .join(', ');

const role = (d: Details) => (d.role === 'owner' ? 'an owner' : d.role === 'receptionist' ? 'a receptionist' : 'staff');

const SOURCES: Record<string, string> = { phone: ' (by phone)', dashboard: '', text: ' (by text)' };

const TRY_RESULTS: Record<string, string> = {
  spoke_to_them: 'spoke to them',
  left_message: 'left a message',
  no_answer: 'no answer',
  busy: 'busy',
  wrong_number: 'wrong number',
};

/** Every action code the service writes, in words. */
export const AUDIT_WORDS: Record<string, Words> = {
  // Appointments
  'appointment.booked': {
    category: 'appointments',
    what: (d) => `booked an appointment${SOURCES[String(d.source)] ?? ''}`,
  },
  'appointment.moved': { category: 'appointments', what: 'moved an appointment' },
  'appointment.cancelled': { category: 'appointments', what: 'cancelled an appointment' },
  'appointment.attended': { category: 'appointments', what: 'marked an appointment attended' },
  'appointment.no_show': { category: 'appointments', what: 'marked an appointment as not attended' },

  // Calls and call-backs
  'call.noted': { category: 'calls', what: 'wrote a note on a call' },
  'call.note_cleared': { category: 'calls', what: "cleared a call's note" },
  'call.urgent_phrase_heard': {
    category: 'calls',
    what: 'heard a caller say something urgent and gave the emergency advice',
  },
  'callback.assigned': {
    category: 'calls',
    what: (d, nameOf) =>
      typeof d.assignedTo === 'string' ? `gave a call-back to ${nameOf(d.assignedTo)}` : 'gave a call-back to someone',
  },
  'callback.unassigned': { category: 'calls', what: 'left a call-back for anyone to take' },
  'callback.try_logged': {
    category: 'calls',
    what: (d) =>
      `logged a try at a call-back${TRY_RESULTS[String(d.result)] ? `: ${TRY_RESULTS[String(d.result)]}` : ''}`,
  },

  // Recordings, and what the retention periods destroy
  'recording.listened': { category: 'recordings', what: 'listened to a recording' },
  'recording.downloaded': { category: 'recordings', what: 'downloaded a recording' },
  'recording.transcript_read': { category: 'recordings', what: "read a voicemail's transcript" },
  'recording.hold_set': { category: 'recordings', what: 'put a recording on legal hold' },
  'recording.hold_lifted': { category: 'recordings', what: "lifted a recording's legal hold" },
  'retention.purged': {
    category: 'recordings',
    what: (d) => {
      const gone = counts(d, [
        ['callRecordings', 'call recording'],
        ['voicemails', 'voicemail'],
        ['calls', 'call'],
        ['texts', 'text message'],
        ['auditEntries', 'audit entry', 'audit entries'],
      ]);
      const kept = [
        num(d.held) > 0 ? `kept ${count(num(d.held), 'recording')} on legal hold` : '',
        num(d.retryAtTwilio) > 0
          ? `${count(num(d.retryAtTwilio), 'copy', 'copies')} at Twilio to delete next time`
          : '',
      ].filter(Boolean);
      const done = gone
        ? `deleted what its retention periods had ended: ${gone}`
        : 'found nothing past its retention periods';
      return kept.length ? `${done}; ${kept.join('; ')}` : done;
    },
  },

  // Patients
  'patient.created': { category: 'patients', what: 'registered a patient' },
  'patient.updated': { category: 'patients', what: changed("changed a patient's details") },
  'patient.exported': {
    category: 'patients',
    what: (d) => (d.audio === true ? "exported a patient's record with its recordings" : "exported a patient's record"),
  },
  'patient.erased': {
    category: 'patients',
    what: (d) => {
      const what = counts(d, [
        ['appointments', 'appointment'],
        ['waitlistEntries', 'waiting-list entry', 'waiting-list entries'],
        ['calls', 'call'],
        ['recordings', 'recording'],
        ['textMessages', 'text message'],
      ]);
      return what ? `erased a patient, with ${what}` : 'erased a patient';
    },
  },

  // The clinic's settings and diary set-up
  // An operator's commands on background work (jobs:retry, jobs:discard); not a clinic's entry unless the job was one's.
  'job.retried': {
    category: 'settings',
    what: (d) => `ran a failed background job again${typeof d.kind === 'string' ? ` (${d.kind})` : ''}`,
  },
  'job.discarded': {
    category: 'settings',
    what: (d) => `discarded a failed background job${typeof d.kind === 'string' ? ` (${d.kind})` : ''}`,
  },
  'clinic.created': { category: 'settings', what: 'set up the clinic' },
  'clinic.settings_changed': { category: 'settings', what: changed('changed settings') },
  'clinic.opening_hours_changed': { category: 'settings', what: 'changed the opening hours' },
  'clinic.booking_rules_changed': { category: 'settings', what: changed('changed the booking rules') },
  'clinic.exported': { category: 'settings', what: "exported all the clinic's data" },
  'clinic.closed': { category: 'settings', what: 'closed the clinic and erased its data' },
  'practitioner.created': { category: 'settings', what: 'added a practitioner' },
  'practitioner.changed': { category: 'settings', what: changed('changed a practitioner') },
  'practitioner.hours_changed': { category: 'settings', what: "changed a practitioner's working hours" },
  'appointment_type.created': { category: 'settings', what: 'added an appointment type' },
  'appointment_type.changed': { category: 'settings', what: changed('changed an appointment type') },
  'closure.created': { category: 'settings', what: 'added a closure' },
  'closure.removed': { category: 'settings', what: 'removed a closure' },
  'calendar_feed.regenerated': { category: 'settings', what: 'made a new calendar link (the old one stopped working)' },
  'calendar_feed.changed': {
    category: 'settings',
    what: (d) =>
      d.showFullNames === true ? 'showed full names in a calendar feed' : 'showed initials only in a calendar feed',
  },

  // Staff
  'staff.added': { category: 'staff', what: (d) => `added a member of staff as ${role(d)}` },
  'staff.role_changed': { category: 'staff', what: (d) => `made a member of staff ${role(d)}` },
  'staff.removed': { category: 'staff', what: 'removed a member of staff' },
  'staff.invited': { category: 'staff', what: (d) => `invited someone as ${role(d)}` },
  'staff.invitation_revoked': { category: 'staff', what: 'withdrew an invitation' },
  'staff.joined': { category: 'staff', what: (d) => `joined the clinic as ${role(d)}` },
  'staff.password_set': { category: 'staff', what: 'set their password' },
  'staff.name_changed': { category: 'staff', what: 'changed their name' },

  // Signing in
  'session.signed_in': { category: 'sign_ins', what: 'signed in' },
  'session.sign_in_failed': { category: 'sign_ins', what: 'tried to sign in with a wrong password' },
  'staff.password_reset_asked': { category: 'sign_ins', what: 'asked for a password reset by email' },
};

/** Actions shown as one row when one person does them again and again the same day. */
export const GROUPED_ACTIONS = new Set(['session.signed_in', 'session.sign_in_failed']);

/** The codes of a category, for the filter. */
export const actionsIn = (category: AuditCategory): string[] =>
  Object.entries(AUDIT_WORDS)
    .filter(([, w]) => w.category === category)
    .map(([code]) => code);

export const categoryOf = (action: string): AuditCategory | null => AUDIT_WORDS[action]?.category ?? null;

/** What someone did, in words; `times` > 1 for a row standing for several ("signed in 12 times"). */
export function whatWasDone(action: string, details: unknown, nameOf: NameOf, times = 1): string {
  const words = AUDIT_WORDS[action];
  const d = typeof details === 'object' && details !== null && !Array.isArray(details) ? (details as Details) : {};
  // A code with no words yet (an older entry) is still shown, as itself.
  const what = !words ? action : typeof words.what === 'string' ? words.what : words.what(d, nameOf);
  return times > 1 ? `${what} ${times} times` : what;
}

/** Who did it, for an actor that is not (or no longer) a member of staff. */
export function actorWords(type: string): string {
  if (type === 'operator') return 'An operator';
  if (type === 'someone') return 'Someone';
  if (type === 'system') return 'The service';
  return 'A former member of staff';
}
