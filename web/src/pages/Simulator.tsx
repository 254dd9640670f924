import { useState } from 'react';
import type { ClinicDetail } from '../../../src/contracts/api';
import { CallScreen, useSimulatedCall } from '../simulator/CallScreen';
import { PatientsPhone } from '../simulator/PatientsPhone';

/**
 * A phone on the screen: calls the clinic's number through the real webhooks (the
 * server plays Twilio), shows what the caller hears, and can read it aloud. Below it,
 * the patient's phone, which rings when the clinic rings a caller back.
 */
export function Simulator({ clinic }: { clinic: Pick<ClinicDetail, 'id' | 'name' | 'numbers'> }) {
  const [from, setFrom] = useState('+447700900100');
  const [to, setTo] = useState(clinic.numbers[0] ?? '');
  const [aloud, setAloud] = useState(false);
  const base = `/api/clinics/${clinic.id}/simulator/calls`;
  const { call, busy, problem, run, act } = useSimulatedCall(base);

  const place = () => {
    if ('speechSynthesis' in window) window.speechSynthesis.cancel();
    return run(base, to ? { from, to } : { from });
  };
  const onCall = call !== null && call.state !== 'ended';

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
        <CallScreen
          call={call}
          busy={busy}
          label="What the caller hears"
          aloud={aloud}
          act={(what, body) => act(call.sid, what, body)}
        />
      )}
      <PatientsPhone clinic={clinic} aloud={aloud} />
    </section>
  );
}
