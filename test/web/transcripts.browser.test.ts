// A voicemail's transcript on the receptionist's screen, in a real browser: beside the
// player on the call-back list, "on its way" until Twilio's callback comes, then the
// words, live; a message too short for Twilio says so.
import { startLiveDashboard, type LiveDashboard } from '../helpers/browser.js';
import { Caller } from '../helpers/caller.js';
import { makeStaff } from '../helpers/fixtures.js';
import { receptionClinic } from '../helpers/reception.js';
import { describeWith, needs } from '../helpers/services.js';
import { inboundCall, signedTwilioPost } from '../helpers/twilio.js';
import { TEST_BASE_URL } from '../helpers/app.js';

// Monday 7 June 2027, 09:00 in London: reception is open, and nobody is taking calls.
const MONDAY_9AM = new Date('2027-06-07T08:00:00Z');
const ACCOUNT = 'AC' + 'a'.repeat(32);

describeWith(needs.browser, 'Voicemail transcripts on the Calls screen, in a real browser', () => {
  let dashboard: LiveDashboard;
  beforeAll(async () => {
    dashboard = await startLiveDashboard(MONDAY_9AM);
  });
  afterAll(() => dashboard.close());

  it("the receptionist sees a message's transcript beside its player: on its way, then the words as Twilio sends them (audited); too short a message says so", async () => {
    const { db, testApp } = dashboard;
    const { clinic } = await receptionClinic(db);
    const desk = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const page = await dashboard.signedInPage(desk);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Calls' }).click();
    await page.getByText('Nobody is waiting for a call back.').waitFor();

    /** A caller who asks for reception and, nobody being free, leaves a message of `seconds`. */
    const leavesMessage = async (from: string, seconds: number) => {
      const caller = new Caller(testApp.app, clinic.numbers[0]!, from);
      await caller.dial();
      await caller.press('3');
      const record = caller.recorder()!;
      await caller.finishRecording(seconds);
      const recordingSid = 'RE' + caller.sid.slice(2);
      const recorded = await signedTwilioPost(
        testApp.app,
        record['@recordingStatusCallback']!.replace(TEST_BASE_URL, ''),
        {
          AccountSid: ACCOUNT,
          CallSid: caller.sid,
          RecordingSid: recordingSid,
          RecordingStatus: 'completed',
          RecordingDuration: String(seconds),
          RecordingSource: 'RecordVerb',
        },
      );
      expect(recorded.status).toBe(200);
      return { caller, record, recordingSid };
    };
    const jane = await leavesMessage('+447700900123', 14);
    const item = page
      .getByRole('list', { name: 'Call-back list' })
      .getByRole('listitem')
      .filter({ hasText: 'Jane Doe' });
    const transcript = item.getByRole('group', { name: 'Voicemail' }).getByRole('group', { name: 'Transcript' });
    await transcript.getByText('Transcript on its way from Twilio…').waitFor();

    // Twilio's transcript arrives: the open screen shows the words without a reload.
    const words = 'Hello, it is Jane. Please ring me back about my check-up on Thursday.';
    const transcribed = await signedTwilioPost(
      testApp.app,
      jane.record['@transcribeCallback']!.replace(TEST_BASE_URL, ''),
      {
        ...inboundCall({
          CallSid: jane.caller.sid,
          To: clinic.numbers[0]!,
          From: '+447700900123',
          CallStatus: 'completed',
        }),
        RecordingSid: jane.recordingSid,
        TranscriptionSid: 'TR' + jane.caller.sid.slice(2),
        TranscriptionStatus: 'completed',
        TranscriptionText: words,
      },
    );
    expect(transcribed.status).toBe(200);
    await transcript.getByText(words).waitFor();
    const recording = await db.prisma.recording.findUniqueOrThrow({ where: { recordingSid: jane.recordingSid } });
    expect(
      await db.prisma.auditEntry.count({
        where: { action: 'recording.transcript_read', actorId: desk.userId, subjectId: recording.id },
      }),
    ).toBe(1);

    await leavesMessage('+447700900456', 1);
    await page
      .getByRole('list', { name: 'Call-back list' })
      .getByRole('listitem')
      .filter({ hasText: '+447700900456' })
      .getByRole('group', { name: 'Transcript' })
      .getByText(/^No transcript: the message is too short for Twilio to transcribe/)
      .waitFor();
    await page.screenshot({ path: 'test-artifacts/voicemail-transcripts.png', fullPage: true });
  });
});
