// The call this person is on, on every screen but Live (which has its own): whom they
// rang, mute and hang up, so a call made from the call-back list is never out of reach.
import { usePhone } from './phone';

export function PhoneBar() {
  const { phone, mute, hangUp } = usePhone();
  if (phone.state !== 'in-call') return null;
  return (
    <div className="in-call phone-bar" role="region" aria-label="Your call">
      <span role="status">
        {phone.simulated ? 'On a simulated call' : 'On a call'}
        {phone.with && ` with ${phone.with}`}
      </span>
      <button onClick={() => mute(!phone.muted)} aria-pressed={phone.muted}>
        {phone.muted ? 'Unmute' : 'Mute'}
      </button>
      <button onClick={hangUp} className="danger">
        Hang up
      </button>
    </div>
  );
}
