import { randomBytes, randomUUID } from 'node:crypto';
import { addStaff } from '../accounts/staff.js';
import type { Prisma } from '../db/database.js';
import { seal } from '../recordings/crypto.js';
import { clinicDataKey } from '../recordings/keys.js';
import { silentMp3 } from '../recordings/silence.js';
import type { RecordingStorage } from '../recordings/storage.js';
import { sealTranscript } from '../recordings/transcripts.js';
import { createClinic } from '../clinics/clinics.js';
import { seedDemoData } from './demo-data.js';

export interface DemoSignIn {
  clinicName: string;
  owner: { email: string; password: string };
  receptionist: { email: string; password: string };
}

// +44 1632 960xxx is Ofcom's range reserved for drama: it can never ring anyone.
export const DEMO_NUMBER = '+441632960000';

/** Where the demo's voicemails keep their audio: the server's own recordings storage and key. */
export interface DemoAudio {
  storage: RecordingStorage;
  masterKey: Buffer;
}

/**
 * A newcomer's first start: an empty embedded database gets a demo clinic with an
 * owner and a receptionist, with random passwords shown once, and a diary and call
 * history around today (demo-data.ts); with `audio`, its voicemails can be played.
 * Never in production.
 */
export async function seedDemoClinicIfEmpty(
  prisma: Prisma,
  now = new Date(),
  audio?: DemoAudio,
): Promise<DemoSignIn | null> {
  if ((await prisma.clinic.count()) > 0) return null;
  const clinic = await createClinic(
    prisma,
    { name: 'Demo Clinic', numbers: [DEMO_NUMBER], timeZone: 'Europe/London', locale: 'en-GB' },
    { type: 'system' },
  );
  const password = () => randomBytes(12).toString('base64url');
  const owner = { email: 'owner@demo.example', password: password() };
  const receptionist = { email: 'reception@demo.example', password: password() };
  await addStaff(
    prisma,
    { clinicId: clinic.id, email: owner.email, role: 'owner', password: owner.password, name: 'Priya Shah' },
    { type: 'system' },
  );
  const desk = await addStaff(
    prisma,
    {
      clinicId: clinic.id,
      email: receptionist.email,
      role: 'receptionist',
      password: receptionist.password,
      name: 'Sam Reid',
    },
    { type: 'system' },
  );
  await seedDemoData(prisma, { id: clinic.id, number: DEMO_NUMBER }, desk.userId, now);
  if (audio) await giveVoicemailsAudio(prisma, clinic.id, audio);
  return { clinicName: clinic.name, owner, receptionist };
}

/** What the demo's callers said in their messages (their transcripts, as Twilio would write them). */
const DEMO_MESSAGES = [
  'Hello, I am calling about my appointment on Thursday. Could you ring me back please? Thank you.',
  'Hi, it is about a repeat prescription. Please call me back when you can.',
  'Hello, I need to move my check-up next week. Mornings are best for me. Thanks.',
  'Hi, just ringing to ask whether you have anything earlier this week. Please call back.',
  'Hello, I think I left my glasses at the clinic this morning. Could someone give me a ring?',
];

/**
 * The demo's voicemails get a few seconds of silent audio, encrypted with the
 * clinic's key and stored as any fetched recording, so the call-back list's players
 * play, and a transcript sealed the same way. Files first, rows after: a crash
 * between leaves only unreferenced files.
 */
async function giveVoicemailsAudio(prisma: Prisma, clinicId: string, audio: DemoAudio): Promise<void> {
  const calls = await prisma.call.findMany({
    where: { clinicId, outcome: 'voicemail' },
    select: { id: true, callSid: true, startedAt: true, durationSeconds: true },
  });
  const key = await clinicDataKey(prisma, audio.masterKey, clinicId);
  const rows = [];
  for (const call of calls) {
    const n = parseInt(call.callSid.slice(2, 6), 16);
    const seconds = 6 + (n % 30);
    const mp3 = silentMp3(seconds);
    const id = randomUUID();
    await audio.storage.put(id, seal(key, mp3, id));
    const at = new Date(call.startedAt.getTime() + (call.durationSeconds ?? 60) * 1000);
    rows.push({
      id,
      clinicId,
      callId: call.id,
      kind: 'voicemail',
      recordingSid: `RE${call.callSid.slice(2)}`,
      status: 'stored',
      durationSeconds: seconds,
      sizeBytes: mp3.length,
      storedAt: at,
      deletedAtTwilio: at,
      transcriptStatus: 'completed',
      transcriptionSid: `TR${call.callSid.slice(2)}`,
      transcript: new Uint8Array(sealTranscript(key, DEMO_MESSAGES[n % DEMO_MESSAGES.length]!, id)),
      transcriptionDeletedAtTwilio: at,
      createdAt: at,
    });
  }
  await prisma.recording.createMany({ data: rows });
}
