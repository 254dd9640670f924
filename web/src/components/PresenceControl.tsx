import { useEffect, useRef, useState } from 'react';

/** No key, click or touch on the dashboard for this long while taking calls: "Still there?" */
export const IDLE_WARNING_MS = 15 * 60_000;
/** Then this long to answer the warning before the person is set away. */
export const IDLE_ANSWER_MS = 60_000;

const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Whether the person takes calls, in words that say what the button does, and the idle
 * check: after a long quiet spell a warning, then away — so callers are not put through to
 * an empty desk. `busy`: a call in hand counts as activity.
 */
export function PresenceControl(props: {
  available: boolean;
  changing: boolean;
  /** Why calls cannot be taken here (no browser answering), if so. */
  cannot?: string;
  busy: boolean;
  onChange: (available: boolean, why?: 'idle') => void;
}) {
  const { available, changing, cannot, busy, onChange } = props;
  const lastActive = useRef(Date.now());
  const [now, setNow] = useState(() => Date.now());
  const [setAwayIdle, setSetAwayIdle] = useState(false);

  useEffect(() => {
    const touch = () => (lastActive.current = Date.now());
    for (const e of ACTIVITY) window.addEventListener(e, touch, { passive: true });
    return () => {
      for (const e of ACTIVITY) window.removeEventListener(e, touch);
    };
  }, []);
  useEffect(() => {
    if (!available) return;
    lastActive.current = Date.now();
    setSetAwayIdle(false);
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [available]);
  useEffect(() => {
    if (busy) lastActive.current = now;
  }, [busy, now]);

  const quiet = now - lastActive.current;
  const warning = available && quiet >= IDLE_WARNING_MS;
  const secondsLeft = Math.max(0, Math.ceil((IDLE_WARNING_MS + IDLE_ANSWER_MS - quiet) / 1000));
  // Once per quiet spell: a failed request is shown, not retried every second.
  const triedAway = useRef(false);
  useEffect(() => {
    if (!available) triedAway.current = false;
  }, [available]);
  useEffect(() => {
    if (warning && secondsLeft === 0 && !changing && !triedAway.current) {
      triedAway.current = true;
      setSetAwayIdle(true);
      onChange(false, 'idle');
    }
  }, [warning, secondsLeft, changing, onChange]);

  return (
    <div className="presence" role="group" aria-label="Taking calls">
      <span role="status" className={available ? 'taking' : 'away'}>
        {available ? 'Taking calls: callers are put through to you.' : 'Away: callers are not put through to you.'}
      </span>
      <button
        onClick={() => onChange(!available)}
        disabled={changing || (!available && Boolean(cannot))}
        className={available ? 'off' : 'on'}
      >
        {available ? 'Stop taking calls' : 'Start taking calls'}
      </button>
      {!available && cannot && <span className="note">{cannot}</span>}
      {!available && setAwayIdle && (
        <span className="note">You were set away after {IDLE_WARNING_MS / 60_000} minutes without activity.</span>
      )}
      {warning && secondsLeft > 0 && (
        <div role="alertdialog" aria-labelledby="idle-title" className="idle-warning">
          <strong id="idle-title">Still taking calls?</strong>
          <span>You will be set away in {secondsLeft} seconds, so callers are not put through to an empty desk.</span>
          <button autoFocus onClick={() => (lastActive.current = Date.now())}>
            Keep taking calls
          </button>
        </div>
      )}
    </div>
  );
}
