// The patient's phone: when the clinic rings a caller back (they asked from the queue),
// the server plays Twilio and the call rings here. Answer it as the patient (then press
// 1 to be put through to the receptionist's Live screen), let their voicemail answer,
// or leave it ringing out. A ring is heard at once through the live event
// `simulator.phone_ringing`; while something rings the list is also read every 1.5 s,
// because Twilio giving up (no answer after the ring) has no event of its own.
import { useCallback, useEffect, useState } from 'react';
import { api, type ApiError, type Load } from '../api';
import { Loaded } from '../components/Loaded';
import { useLiveEvents } from '../live/context';
import type { ClinicDetail, PatientsPhoneList, SimulatedCallView } from '../../../src/contracts/api';
import { type CallAction, CallScreen, useSimulatedCall } from './CallScreen';

export function PatientsPhone({ clinic, aloud }: { clinic: Pick<ClinicDetail, 'id' | 'name'>; aloud: boolean }) {
  const base = `/api/clinics/${clinic.id}/simulator/calls`;
  const listPath = `/api/clinics/${clinic.id}/simulator/patients-phone`;
  const [ringing, setRinging] = useState<Load<SimulatedCallView[]>>({ state: 'loading' });
  const { call, setCall, busy, problem, act } = useSimulatedCall(base);

  const load = useCallback(() => {
    api<PatientsPhoneList>('GET', listPath).then(
      ({ calls }) => {
        setRinging({ state: 'ready', value: calls.filter((c) => c.state === 'ringing') });
        // A call answered before this page opened goes on here.
        const answered = calls.find((c) => c.state !== 'ringing');
        if (answered) setCall((current) => (current && current.state !== 'ended' ? current : answered));
      },
      (err: ApiError) => setRinging({ state: 'error', message: err.message }),
    );
  }, [listPath, setCall]);
  useEffect(load, [load]);
  useLiveEvents((e) => {
    if (e.name === 'simulator.phone_ringing') load();
  }, load);
  const anyRinging = ringing.state === 'ready' && ringing.value.length > 0;
  useEffect(() => {
    if (!anyRinging) return;
    const timer = setInterval(load, 1_500);
    return () => clearInterval(timer);
  }, [anyRinging, load]);

  const pick = (sid: string, what: CallAction, body?: unknown) => void act(sid, what, body).then(load);
  const onCall = call !== null && call.state !== 'ended';

  return (
    <section aria-label="The patient's phone" className="patients-phone">
      <h3>The patient's phone</h3>
      {problem && <p role="alert">{problem}</p>}
      <Loaded load={ringing} loading="Looking at the patient's phone…" retry={load}>
        {(calls) =>
          calls.length > 0 ? (
            <ul aria-label="Ringing" className="cards">
              {calls.map((c) => (
                <li key={c.sid} className="card-row">
                  <p role="status">
                    Ringing: {clinic.name} ({c.from}) is calling {c.to}
                  </p>
                  <button onClick={() => pick(c.sid, 'answer', { as: 'person' })} disabled={busy || onCall}>
                    Answer
                  </button>
                  <button onClick={() => pick(c.sid, 'answer', { as: 'machine' })} disabled={busy}>
                    Let voicemail answer
                  </button>
                  <button onClick={() => pick(c.sid, 'ring-out')} disabled={busy}>
                    Don't answer
                  </button>
                  <button onClick={() => pick(c.sid, 'decline')} disabled={busy}>
                    Decline
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            !onCall && (
              <p role="status" className="empty">
                Nothing is ringing. When a caller who asked to be called back reaches the front of the queue, their
                phone rings here.
              </p>
            )
          )
        }
      </Loaded>
      {call && (
        <CallScreen
          call={call}
          busy={busy}
          label="What the patient hears"
          aloud={aloud}
          act={(what, body) => act(call.sid, what, body)}
        />
      )}
    </section>
  );
}
