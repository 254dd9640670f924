import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type Load, loadInto } from '../api';
import { Loaded } from '../components/Loaded';
import { PresenceControl } from '../components/PresenceControl';
import { callerNames, maskNumber, timeIn, waitText } from '../live/format';
import { usePhone } from '../live/phone';
import { PhoneBar } from '../live/PhoneBar';
import { SetupChecklist } from './owner/SetupChecklist';
import { CallerCard } from '../live/CallerCard';
import { useAnswering, useLiveEvents } from '../live/context';
import type { LiveEvent } from '../live/socket';
import type { CallerMatch } from '../../../src/contracts/events';
import type { ClinicSummary, Presence, QueueCallBack, QueueEntry, QueueList } from '../../../src/contracts/api';

type Caller = CallerMatch;

type Waiting = QueueEntry & {
  /** When this row was fetched, so its wait counts up between fetches. */
  fetchedAt: number;
};

/** The queue as the screen shows it: callers on the line, and call-backs in their callers' places. */
interface Queue {
  callers: Waiting[];
  callBacks: QueueCallBack[];
}

interface Ringing {
  callId: string;
  from: string;
  callers: Caller[];
  at: string;
}

interface InProgress {
  callId: string;
  /** Who is on the line, as the queue showed them; empty when the call was answered before this screen saw it queued. */
  caller: string;
  answeredBy: string;
}

/** The receptionist's live screen: who is ringing, who is waiting, who is talking, and the Answer button. */
export function Live({ clinic, me }: { clinic: ClinicSummary; me?: string }) {
  const [queue, setQueue] = useState<Load<Queue>>({ state: 'loading' });
  const [available, setAvailable] = useState<Load<boolean>>({ state: 'loading' });
  const [ringing, setRinging] = useState<Ringing[]>([]);
  const [talking, setTalking] = useState<InProgress[]>([]);
  const [problem, setProblem] = useState('');
  // A call-back from the queue this person is reserved for: being rung, they are put through when the patient presses 1.
  const [ringBack, setRingBack] = useState<'' | 'reserved' | 'ringing'>('');
  const [busy, setBusy] = useState('');
  // The call whose caller's card is open (opened by hand, or by answering it).
  const [cardFor, setCardFor] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const { phone, expectCall } = usePhone();
  // Callers are put through to this person only while this screen (its phone, its idle check) is open.
  const noted = useAnswering();
  const queueNow = useRef<Waiting[]>([]);
  queueNow.current = queue.state === 'ready' ? queue.value.callers : [];

  // Said to screen readers as it happens, without moving focus: a new caller waiting, the queue shrinking.
  const [announcement, setAnnouncement] = useState('');
  const seen = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (queue.state !== 'ready') return;
    const ids = new Set(queue.value.callers.map((c) => c.id));
    const before = seen.current;
    seen.current = ids;
    if (!before) return; // what was waiting when the screen opened is on the screen, not news
    const fresh = queue.value.callers.filter((c) => !before.has(c.id));
    const count = ids.size === 0 ? 'no callers waiting' : `${ids.size} waiting`;
    if (fresh.length > 0)
      setAnnouncement(
        `New caller waiting: ${fresh.map((c) => callerNames(c.callers, 'a caller not on record')).join(', ')}. ${count}.`,
      );
    else if ([...before].some((id) => !ids.has(id))) setAnnouncement(`Queue: ${count}.`);
  }, [queue]);

  const loadQueue = useCallback(() => {
    loadInto(api<QueueList>('GET', `/api/clinics/${clinic.id}/queue`), setQueue, (r) => ({
      callers: r.callers.map((c) => ({ ...c, fetchedAt: Date.now() })),
      callBacks: r.callBacks,
    }));
  }, [clinic.id]);
  const loadPresence = useCallback(() => {
    loadInto(api<Presence>('GET', '/api/presence'), setAvailable, (r) => r.available);
  }, []);
  useEffect(() => {
    loadQueue();
    loadPresence();
  }, [loadQueue, loadPresence]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);

  const onEvent = useCallback(
    (e: LiveEvent) => {
      const callId = 'callId' in e.data ? e.data.callId : '';
      switch (e.name) {
        case 'call.ringing':
          setRinging((list) => [
            ...list.filter((r) => r.callId !== callId),
            { callId, from: e.data.from, callers: e.data.callers, at: e.at },
          ]);
          alertIncoming(e.data.callers, e.data.from);
          break;
        case 'call.queued':
          setRinging((list) => list.filter((r) => r.callId !== callId));
          loadQueue();
          break;
        case 'call.answered':
          setRinging((list) => list.filter((r) => r.callId !== callId));
          {
            const waiting = queueNow.current.find((w) => w.id === callId);
            const caller = waiting ? callerNames(waiting.callers, maskNumber(waiting.fromNumber)) : '';
            setTalking((list) => [
              ...list.filter((t) => t.callId !== callId),
              { callId, caller, answeredBy: e.data.answeredBy.name ?? e.data.answeredBy.email },
            ]);
            // Answered here: their card comes up at once.
            if (e.data.answeredBy.userId === me) setCardFor(callId);
          }
          loadQueue();
          break;
        case 'call.left_queue':
          loadQueue();
          break;
        case 'callback.added':
        case 'callback.done':
          loadQueue();
          break;
        case 'callback.reserved':
        case 'callback.ringing':
          loadQueue();
          if (e.data.staffId !== me) break;
          setRingBack(e.name === 'callback.reserved' ? 'reserved' : 'ringing');
          // The patient pressing 1 rings this browser: take it, as an Answer would.
          expectCall();
          break;
        case 'callback.released':
        case 'callback.rung':
          loadQueue();
          if (e.data.staffId !== me) break;
          setRingBack('');
          // Ended without reaching this browser: the next call put through here is not that patient.
          if (e.name === 'callback.released' || e.data.outcome !== 'done') expectCall(false);
          break;
        case 'staff.presence':
          // Set away elsewhere (another tab, the dashboard gone too long): this screen follows.
          loadPresence();
          break;
        case 'call.ended':
          setRinging((list) => list.filter((r) => r.callId !== callId));
          setTalking((list) => list.filter((t) => t.callId !== callId));
          loadQueue();
          break;
      }
    },
    [loadQueue, loadPresence, me, expectCall],
  );
  useLiveEvents(onEvent, () => {
    loadQueue();
    loadPresence();
  });

  const changeAvailable = useCallback(async (next: boolean) => {
    setBusy('presence');
    setProblem('');
    try {
      const r = await api<Presence>('PUT', '/api/presence', { available: next });
      setAvailable({ state: 'ready', value: r.available });
    } catch (err) {
      setProblem((err as ApiError).message);
    } finally {
      setBusy('');
    }
  }, []);

  async function answer(callId: string) {
    setBusy(callId);
    setProblem('');
    try {
      expectCall();
      await api('POST', `/api/clinics/${clinic.id}/calls/${callId}/answer`);
    } catch (err) {
      setProblem((err as ApiError).message);
      loadQueue();
    } finally {
      setBusy('');
    }
  }

  /** Dealt with another way (the patient rang again and was answered): not rung back. */
  async function markDone(callBackId: string) {
    setBusy(callBackId);
    setProblem('');
    try {
      await api('POST', `/api/clinics/${clinic.id}/call-backs/${callBackId}/done`);
      loadQueue();
    } catch (err) {
      setProblem((err as ApiError).message);
    } finally {
      setBusy('');
    }
  }

  const canAnswer = phone.state === 'ready';
  const whyNot = canAnswer ? undefined : phone.state === 'unavailable' ? phone.reason : 'The browser phone is starting';
  return (
    <section aria-label="Live" className="live">
      <SetupChecklist clinic={clinic} />
      <div className="toolbar">
        {available.state === 'ready' ? (
          <PresenceControl
            available={available.value}
            changing={busy === 'presence'}
            cannot={
              phone.state === 'unavailable'
                ? phone.reason
                : noted
                  ? undefined
                  : 'Connecting this screen… you can start taking calls in a moment.'
            }
            busy={phone.state === 'in-call'}
            onChange={changeAvailable}
          />
        ) : available.state === 'error' ? (
          <span role="alert">{available.message}</span>
        ) : (
          <span role="status">Loading…</span>
        )}
        {ringBack && phone.state !== 'in-call' && (
          <span role="status" className="in-call">
            {ringBack === 'reserved'
              ? 'You are next for a call-back a patient asked for from the queue: ringing them now.'
              : 'Ringing a patient back: you are put through when they press 1.'}
          </span>
        )}
        {phone.state === 'unavailable' && <span className="note">{phone.reason}</span>}
        {phone.state === 'starting' && <span className="note">Starting the browser phone…</span>}
        {phone.state === 'ready' && phone.simulated && (
          <span className="note">Phone simulator: answering puts the simulated caller through to this screen.</span>
        )}
        <PhoneBar />
        <AlertsButton />
      </div>
      {problem && <p role="alert">{problem}</p>}
      <p className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" id="queue-news">
        {announcement}
      </p>
      {cardFor && <CallerCard key={cardFor} clinic={clinic} callId={cardFor} onClose={() => setCardFor(null)} />}

      <h2>In the phone menu</h2>
      <p className="note" id="menu-note">
        Choosing from the menu: they can be answered once they ask for reception.
      </p>
      {ringing.length === 0 ? (
        <p className="empty">Nobody is in the phone menu.</p>
      ) : (
        <ul aria-label="Calls in the phone menu" aria-describedby="menu-note" className="cards">
          {ringing.map((r) => (
            <li key={r.callId} className="card-row">
              <strong>{callerNames(r.callers, 'Unknown caller')}</strong> · {maskNumber(r.from)}{' '}
              <CardButton who={callerNames(r.callers, 'the caller')} onOpen={() => setCardFor(r.callId)} />
              {r.callers.map((c) =>
                c.nextAppointment ? (
                  <div key={c.patientId} className="detail">
                    {c.name}: next appointment {timeIn(c.nextAppointment.startsAt, clinic.timeZone, clinic.locale)} with{' '}
                    {c.nextAppointment.practitionerName}
                  </div>
                ) : null,
              )}
            </li>
          ))}
        </ul>
      )}

      <h2>Waiting for reception</h2>
      <Loaded load={queue} loading="Loading the queue…" retry={loadQueue}>
        {(all) => {
          // A caller being put through is on a call already, though Twilio has not yet moved them out of the queue.
          const callers = all.callers.filter((w) => !talking.some((t) => t.callId === w.id));
          // One line, in the order callers first joined: a call-back keeps its caller's place.
          const rows = [
            ...callers.map((w) => ({ at: w.queuedAt ?? '', caller: w })),
            ...all.callBacks.map((b) => ({ at: b.joinedQueueAt, callBack: b })),
          ].sort((a, b) => a.at.localeCompare(b.at));
          return rows.length === 0 ? (
            <p className="empty">Nobody is waiting.</p>
          ) : (
            <ol aria-label="Queue" className="cards">
              {rows.map((row) =>
                'callBack' in row && row.callBack ? (
                  <li key={row.callBack.id} className="card-row call-back-row">
                    <strong>{callerNames(row.callBack.callers, maskNumber(row.callBack.ringNumber))}</strong>
                    <span className="note">{callBackLine(row.callBack, clinic, me)}</span>
                    {row.callBack.onLineCallId && (
                      <AnswerButton
                        onAnswer={() => answer(row.callBack!.onLineCallId!)}
                        disabled={!canAnswer || busy === row.callBack.onLineCallId}
                        why={whyNot}
                      />
                    )}
                    {row.callBack.state !== 'ringing' && (
                      <button
                        onClick={() => markDone(row.callBack!.id)}
                        disabled={busy === row.callBack.id}
                        aria-label={`Mark the call-back for ${callerNames(row.callBack.callers, maskNumber(row.callBack.ringNumber))} done`}
                      >
                        Done
                      </button>
                    )}
                  </li>
                ) : (
                  'caller' in row &&
                  row.caller && (
                    <li key={row.caller.id} className="card-row">
                      <strong>{callerNames(row.caller.callers, maskNumber(row.caller.fromNumber))}</strong>
                      <span className="wait" aria-label="Waiting for">
                        {waitText(row.caller.waitSeconds + (now - row.caller.fetchedAt) / 1000)}
                      </span>
                      <CardButton
                        who={callerNames(row.caller.callers, 'the caller')}
                        onOpen={() => setCardFor(row.caller!.id)}
                      />
                      {row.caller.queueStatus === 'claimed' ? (
                        <span className="note">Being answered…</span>
                      ) : (
                        <AnswerButton
                          onAnswer={() => answer(row.caller!.id)}
                          disabled={!canAnswer || busy === row.caller.id}
                          why={whyNot}
                        />
                      )}
                    </li>
                  )
                ),
              )}
            </ol>
          );
        }}
      </Loaded>

      <h2>On calls</h2>
      {talking.length === 0 ? (
        <p className="empty">Nobody is on a call.</p>
      ) : (
        <ul aria-label="Calls in progress" className="cards">
          {talking.map((t) => (
            <li key={t.callId} className="card-row">
              {t.caller && <strong>{t.caller}</strong>} Answered by {t.answeredBy}{' '}
              <CardButton who={t.caller || 'the caller'} onOpen={() => setCardFor(t.callId)} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CardButton({ who, onOpen }: { who: string; onOpen: () => void }) {
  return (
    <button className="secondary" onClick={onOpen} aria-label={`Card for ${who}`}>
      Card
    </button>
  );
}

function AnswerButton({ onAnswer, disabled, why }: { onAnswer: () => void; disabled: boolean; why?: string }) {
  return (
    <button onClick={onAnswer} disabled={disabled} title={why}>
      Answer
    </button>
  );
}

/** What a call-back in the queue is waiting for, in the desk's words. */
function callBackLine(b: QueueCallBack, clinic: ClinicSummary, me?: string): string {
  const who = b.reservedFor ? (b.reservedFor.userId === me ? 'you' : (b.reservedFor.name ?? b.reservedFor.email)) : '';
  const time = (iso: string) =>
    new Date(iso).toLocaleTimeString(clinic.locale, { timeZone: clinic.timeZone, hour: '2-digit', minute: '2-digit' });
  if (b.onLineCallId && b.state !== 'ringing') return 'Call-back: on the line now, waiting — answer them in this place';
  switch (b.state) {
    case 'ringing':
      return `Call-back: ringing them now, for ${who}`;
    case 'reserved':
      return `Call-back: next, ${who} ${who === 'you' ? 'are' : 'is'} kept for it`;
    default:
      if (b.notBefore) return `Call-back: ${b.attempts > 0 ? 'tried again' : 'rung'} from ${time(b.notBefore)}`;
      return b.attempts > 0 ? `Call-back: tried ${b.attempts}×, rung again when next` : 'Call-back: rung when next';
  }
}

/** A desktop notification and a short tone for an incoming call, once the person has allowed them. */
function alertIncoming(callers: Caller[] | undefined, from: string) {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const who = callerNames(callers, maskNumber(from));
  new Notification('Incoming call', { body: who, tag: 'incoming-call' });
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = 880;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.25);
  } catch {
    /* no sound is better than no screen */
  }
}

function AlertsButton() {
  const [permission, setPermission] = useState(
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  );
  if (permission === 'granted' || permission === 'unsupported') return null;
  if (permission === 'denied') return <span className="note">Call alerts are blocked in this browser's settings.</span>;
  return <button onClick={() => void Notification.requestPermission().then(setPermission)}>Turn on call alerts</button>;
}
