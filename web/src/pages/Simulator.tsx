import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api';
import type { ClinicDetail, SimulatedCallState, SimulatedCallView } from '../../../src/contracts/api';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const STATES: Record<SimulatedCallState, string> = {
  ringing: 'Ringing…',
  listening: 'On the line',
  gathering: 'The line is waiting for you',
  recording: 'Recording your message',
  queued: 'Waiting for reception',
  connected: 'Talking to reception',
  ended: 'Call ended',
};

/**
 * A phone on the screen: calls the clinic's number through the real webhooks (the
 * server plays Twilio), shows what the caller hears, and can read it aloud.
 */
export function Simulator({ clinic }: { clinic: Pick<ClinicDetail, 'id' | 'numbers'> }) {
  const [from, setFrom] = useState('+447700900100');
  const [to, setTo] = useState(clinic.numbers[0] ?? '');
  const [call, setCall] = useState<SimulatedCallView | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [words, setWords] = useState('');
  // Keys pressed towards a longer answer (a date of birth), sent as Twilio would: when enough are in, or on #.
  const [keyed, setKeyed] = useState('');
  const [aloud, setAloud] = useState(false);
  const spoken = useRef(0);
  const base = `/api/clinics/${clinic.id}/simulator/calls`;

  // New lines are read out with the browser's own voice, when asked.
  useEffect(() => {
    if (!call) return;
    const fresh = call.transcript.slice(spoken.current).filter((l) => l.who === 'line');
    spoken.current = call.transcript.length;
    if (aloud && 'speechSynthesis' in window)
      for (const line of fresh) window.speechSynthesis.speak(new SpeechSynthesisUtterance(line.text));
  }, [call, aloud]);

  // In the queue or talking to reception, things happen without the caller: follow them.
  const followed = call !== null && (call.state === 'queued' || call.state === 'connected') && !busy ? call.sid : null;
  useEffect(() => {
    if (!followed) return;
    const timer = setInterval(() => {
      void api<SimulatedCallView>('GET', `${base}/${followed}`)
        .then(setCall)
        .catch(() => undefined);
    }, 1_500);
    return () => clearInterval(timer);
  }, [followed, base]);

  async function run(path: string, body: unknown) {
    setBusy(true);
    setProblem(null);
    setKeyed('');
    try {
      setCall(await api<SimulatedCallView>('POST', path, body));
    } catch (err) {
      setProblem((err as ApiError).message);
    } finally {
      setBusy(false);
    }
  }
  const place = () => {
    spoken.current = 0;
    if ('speechSynthesis' in window) window.speechSynthesis.cancel();
    return run(base, to ? { from, to } : { from });
  };
  const act = (what: 'press' | 'say' | 'silence' | 'hangup' | 'message', body: unknown = {}) =>
    run(`${base}/${call!.sid}/${what}`, body);
  const onCall = call !== null && call.state !== 'ended';
  const takesKeys = onCall && !busy && (call.takes === 'keys' || call.takes === 'keys or speech');
  const wanted = call?.digits ?? 1;
  function press(key: string) {
    if (wanted <= 1) return void act('press', { digits: key });
    if (key === '#') return void (keyed ? act('press', { digits: keyed }) : undefined);
    const next = keyed + key;
    if (next.length >= wanted) void act('press', { digits: next });
    else setKeyed(next);
  }

  return (
    <section aria-label="Phone simulator" className="simulator">
      <h2>Phone simulator</h2>
      <p className="note">
        Calls {to || 'the clinic'} as a patient would, through the same webhooks as a real call. Nothing leaves this
        server. The demo's patients ring from +447700900100 onwards.
      </p>
      <div className="row">
        <label>
          Calling from
          <input value={from} onChange={(e) => setFrom(e.target.value)} disabled={onCall || busy} inputMode="tel" />
        </label>
        {clinic.numbers.length > 1 && (
          <label>
            Calling
            <select value={to} onChange={(e) => setTo(e.target.value)} disabled={onCall || busy}>
              {clinic.numbers.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
        )}
        <button onClick={place} disabled={onCall || busy}>
          {busy && !call ? 'Calling…' : 'Call the clinic'}
        </button>
        <label>
          <input type="checkbox" checked={aloud} onChange={(e) => setAloud(e.target.checked)} /> Read aloud
        </label>
      </div>
      {problem && <p role="alert">{problem}</p>}
      {call && (
        <>
          <p role="status" aria-live="polite">
            {busy ? 'Waiting for the line…' : STATES[call.state]}
          </p>
          <ol aria-label="What the caller hears" className="transcript">
            {call.transcript.map((line, i) => (
              <li key={i} className={line.who}>
                {line.who === 'caller' ? `You ${line.text}` : line.text}
              </li>
            ))}
          </ol>
          {call.state === 'queued' && (
            <p className="note">Answer from the Live screen (another tab, available for calls) to be put through.</p>
          )}
          {call.takes === 'a message' && (
            <p className="row">
              <button onClick={() => act('message', { seconds: 8 })} disabled={busy}>
                Leave an 8-second message
              </button>
              <span className="note">After the beep: the clinic gets a (silent) voicemail and a call-back entry.</span>
            </p>
          )}
          <div aria-label="Keypad" role="group" className="keypad">
            {KEYS.map((key) => (
              <button key={key} onClick={() => press(key)} disabled={!takesKeys}>
                {key}
              </button>
            ))}
          </div>
          {takesKeys && wanted > 1 && (
            <p className="note" aria-live="polite">
              {keyed
                ? `Keyed ${keyed} (${keyed.length} of ${wanted}; # sends what is keyed)`
                : `This question takes ${wanted} keys.`}
            </p>
          )}
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              void act('say', { words }).then(() => setWords(''));
            }}
          >
            <label>
              Say
              <input
                value={words}
                onChange={(e) => setWords(e.target.value)}
                disabled={!onCall || busy || call.takes !== 'keys or speech'}
                placeholder="I want to book an appointment"
              />
            </label>
            <button type="submit" disabled={!onCall || busy || call.takes !== 'keys or speech' || !words.trim()}>
              Say it
            </button>
            <button type="button" onClick={() => act('silence')} disabled={!takesKeys}>
              Stay silent
            </button>
            <button type="button" onClick={() => act('hangup')} disabled={!onCall || busy}>
              Hang up
            </button>
          </form>
        </>
      )}
    </section>
  );
}
