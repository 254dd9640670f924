// One simulated call on the screen, whichever way it was made (a patient calling the
// clinic, or the clinic ringing a patient back): what the patient hears, the keypad,
// speech, silence, a message (typed: Twilio's transcript says it) and hanging up.
// Everything goes through the real webhooks.
import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api';
import type { SimulatedCallState, SimulatedCallView } from '../../../src/contracts/api';

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

export type CallAction = 'press' | 'say' | 'silence' | 'hangup' | 'message' | 'answer' | 'decline' | 'ring-out';

/** A simulated call under `base` (…/simulator/calls): its latest view, and the actions that change it. */
export function useSimulatedCall(base: string) {
  const [call, setCall] = useState<SimulatedCallView | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

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
    try {
      setCall(await api<SimulatedCallView>('POST', path, body));
    } catch (err) {
      setProblem((err as ApiError).message);
    } finally {
      setBusy(false);
    }
  }
  const act = (sid: string, what: CallAction, body: unknown = {}) => run(`${base}/${sid}/${what}`, body);
  return { call, setCall, busy, problem, run, act };
}

/**
 * The call's state, transcript and controls. `label` names the transcript ("What the
 * caller hears"); `aloud` reads new lines with the browser's own voice.
 */
export function CallScreen({
  call,
  busy,
  label,
  aloud,
  act,
}: {
  call: SimulatedCallView;
  busy: boolean;
  label: string;
  aloud: boolean;
  act: (what: CallAction, body?: unknown) => Promise<void>;
}) {
  const [words, setWords] = useState('');
  const [message, setMessage] = useState('');
  // Keys pressed towards a longer answer (a date of birth), sent as Twilio would: when enough are in, or on #.
  const [keyed, setKeyed] = useState('');
  const spoken = useRef({ sid: '', count: 0 });

  // New lines are read out with the browser's own voice, when asked.
  useEffect(() => {
    if (spoken.current.sid !== call.sid) spoken.current = { sid: call.sid, count: 0 };
    const fresh = call.transcript.slice(spoken.current.count).filter((l) => l.who === 'line');
    spoken.current.count = call.transcript.length;
    if (aloud && 'speechSynthesis' in window)
      for (const line of fresh) window.speechSynthesis.speak(new SpeechSynthesisUtterance(line.text));
  }, [call, aloud]);

  const send = (what: CallAction, body?: unknown) => {
    setKeyed('');
    return act(what, body);
  };
  const onCall = call.state !== 'ended';
  const takesKeys = onCall && !busy && (call.takes === 'keys' || call.takes === 'keys or speech');
  const wanted = call.digits ?? 1;
  function press(key: string) {
    if (wanted <= 1) return void send('press', { digits: key });
    if (key === '#') return void (keyed ? send('press', { digits: keyed }) : undefined);
    const next = keyed + key;
    if (next.length >= wanted) void send('press', { digits: next });
    else setKeyed(next);
  }

  return (
    <>
      <p role="status" aria-live="polite">
        {busy ? 'Waiting for the line…' : STATES[call.state]}
      </p>
      <ol aria-label={label} className="transcript">
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
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void send('message', { words: message }).then(() => setMessage(''));
          }}
        >
          <label>
            Your message
            <input
              value={message}
              onChange={(e) => setMessage(e.target.value)}
              disabled={busy}
              placeholder="Hello, it's Jane, please ring me back about Thursday."
            />
          </label>
          <button type="submit" disabled={busy || !message.trim()}>
            Leave this message
          </button>
          <button type="button" onClick={() => send('message', { seconds: 8 })} disabled={busy}>
            Leave an 8-second message
          </button>
          <span className="note">
            After the beep: the clinic gets a (silent) voicemail and a call-back entry; what you type is its transcript.
          </span>
        </form>
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
          void send('say', { words }).then(() => setWords(''));
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
        <button type="button" onClick={() => send('silence')} disabled={!takesKeys}>
          Stay silent
        </button>
        <button type="button" onClick={() => send('hangup')} disabled={!onCall || busy}>
          Hang up
        </button>
      </form>
    </>
  );
}
