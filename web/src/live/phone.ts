// Answering in the browser with Twilio's Voice SDK. The server issues a short-lived
// token; the SDK is loaded only when there is one. When Twilio is not configured the
// server says why, and the screen shows that instead of an Answer button that cannot work.
// Under the phone simulator (the server plays Twilio) there is no SDK to load: the
// simulated caller is put through to this screen by a live event (a queued caller
// answered, or a patient rung back who pressed 1), and hanging up tells the simulator.
// Ringing out (a patient back, from the call-back list) is the SDK's `connect` to the
// TwiML App, or under the simulator its ring-out, which rings the simulator's patient's phone.
// One phone per signed-in shell (PhoneProvider), so a call survives moving between screens.
import {
  createContext,
  createElement,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
} from 'react';
import { api, ApiError } from '../api';
import { useLiveEvents } from './context';
import type { VoiceToken } from '../../../src/contracts/api';

export type PhoneState =
  | { state: 'starting' }
  | { state: 'unavailable'; reason: string }
  | { state: 'ready'; simulated?: boolean }
  /** `with`: whom this person rang (a call they placed), for the screens to say. */
  | { state: 'in-call'; muted: boolean; simulated?: boolean; with?: string };

/** A call this person places: the number, the clinic it is from, the call-back it is a try on, and whom it rings (in words). */
export type RingOut = { to: string; clinicId: string; callBackId?: string; who: string };

type DeviceLike = {
  register(): Promise<void>;
  connect(options: { params: Record<string, string> }): Promise<CallLike>;
  destroy(): void;
  updateToken(t: string): void;
  on(e: string, f: (...a: never[]) => void): void;
};
type CallLike = { accept(): void; disconnect(): void; mute(m: boolean): void; on(e: string, f: () => void): void };

function useBrowserPhone() {
  const [phone, setPhone] = useState<PhoneState>({ state: 'starting' });
  const call = useRef<CallLike | null>(null);
  const expecting = useRef(false);
  const simulated = useRef<{ identity: string; call: { clinicId: string; callSid: string } | null } | null>(null);
  /** Whom this person is ringing or talking to, when they placed the call. */
  const calling = useRef<string | undefined>(undefined);

  useLiveEvents(
    (e) => {
      const sim = simulated.current;
      if (!sim) return;
      if (e.name === 'simulator.browser_ringing' && e.data.identity === sim.identity && expecting.current) {
        expecting.current = false;
        sim.call = { clinicId: e.clinicId, callSid: e.data.callSid };
        setPhone({ state: 'in-call', muted: false, simulated: true });
      } else if (
        // Off the call: a ring-back (a call the service placed) has no `call.ended`, only its disconnect.
        (e.name === 'call.ended' || e.name === 'simulator.browser_disconnected') &&
        sim.call?.callSid === e.data.callSid
      ) {
        sim.call = null;
        calling.current = undefined;
        setPhone({ state: 'ready', simulated: true });
      }
    },
    () => undefined,
  );

  const deviceRef = useRef<DeviceLike | null>(null);
  useEffect(() => {
    let device: DeviceLike | null = null;
    let cancelled = false;
    (async () => {
      try {
        const voice = await api<VoiceToken>('GET', '/api/voice/token');
        if (voice.simulated) {
          simulated.current = { identity: voice.identity, call: null };
          if (!cancelled) setPhone({ state: 'ready', simulated: true });
          return;
        }
        const { token } = voice;
        const { Device } = await import('@twilio/voice-sdk');
        if (cancelled) return;
        device = new Device(token, { closeProtection: true }) as unknown as DeviceLike;
        device.on('tokenWillExpire', () => {
          void api<VoiceToken>('GET', '/api/voice/token').then((t) => t.simulated || device?.updateToken(t.token));
        });
        device.on('incoming', (incoming: CallLike) => {
          // Only the caller this person chose is put through to them: accept it.
          if (!expecting.current) return;
          expecting.current = false;
          call.current = incoming;
          incoming.on('disconnect', () => {
            call.current = null;
            setPhone({ state: 'ready' });
          });
          incoming.accept();
          setPhone({ state: 'in-call', muted: false });
        });
        device.on('error', (err: { message?: string }) =>
          setPhone({ state: 'unavailable', reason: `The browser phone stopped: ${err.message ?? 'unknown error'}` }),
        );
        await device.register();
        if (!cancelled) setPhone({ state: 'ready' });
        deviceRef.current = device;
      } catch (err) {
        if (!cancelled)
          setPhone({
            state: 'unavailable',
            reason:
              err instanceof ApiError
                ? err.message
                : 'The browser phone could not start. Check the microphone permission and the connection.',
          });
      }
    })();
    return () => {
      cancelled = true;
      deviceRef.current = null;
      device?.destroy();
    };
  }, []);

  /** The next call put through to this browser is this person's to take (false: no longer: a ring-back that ended unanswered). */
  const expectCall = useCallback((expect = true) => {
    expecting.current = expect;
  }, []);
  const mute = useCallback((muted: boolean) => {
    call.current?.mute(muted);
    setPhone({ state: 'in-call', muted, simulated: simulated.current ? true : undefined, with: calling.current });
  }, []);
  /** Rings a patient (back) from this browser; rejects with why it could not (the phone's state is unchanged then). */
  const ringOut = useCallback(async (out: RingOut) => {
    const sim = simulated.current;
    if (sim) {
      const placed = await api<{ sid: string }>('POST', `/api/clinics/${out.clinicId}/simulator/ring-out`, {
        to: out.to,
        callBackId: out.callBackId ?? null,
      });
      sim.call = { clinicId: out.clinicId, callSid: placed.sid };
      calling.current = out.who;
      setPhone({ state: 'in-call', muted: false, simulated: true, with: out.who });
      return;
    }
    const dev = deviceRef.current;
    if (!dev) throw new Error('The browser phone is not ready.');
    const params: Record<string, string> = { To: out.to, clinicId: out.clinicId };
    if (out.callBackId) params.callBackId = out.callBackId;
    const placed = await dev.connect({ params });
    call.current = placed;
    calling.current = out.who;
    const over = () => {
      call.current = null;
      calling.current = undefined;
      setPhone({ state: 'ready' });
    };
    placed.on('disconnect', over);
    placed.on('cancel', over);
    placed.on('reject', over);
    placed.on('error', over);
    setPhone({ state: 'in-call', muted: false, with: out.who });
  }, []);
  const hangUp = useCallback(() => {
    const sim = simulated.current?.call;
    if (!sim) return call.current?.disconnect();
    // The simulator ends its side; the call's end comes back as `call.ended`.
    void api('POST', `/api/clinics/${sim.clinicId}/simulator/calls/${sim.callSid}/reception-hangup`).catch(() => {
      simulated.current!.call = null;
      setPhone({ state: 'ready', simulated: true });
    });
  }, []);
  return { phone, expectCall, mute, hangUp, ringOut };
}

type Phone = ReturnType<typeof useBrowserPhone>;
const PhoneContext = createContext<Phone | null>(null);

/** The signed-in shell's one browser phone (inside the LiveProvider: the simulator's calls come as live events). */
export function PhoneProvider({ children }: { children: ReactNode }) {
  return createElement(PhoneContext.Provider, { value: useBrowserPhone() }, children);
}

/** The browser phone: its state, and answering, ringing out, muting and hanging up. */
export function usePhone(): Phone {
  const phone = useContext(PhoneContext);
  if (!phone) throw new Error('usePhone needs a PhoneProvider');
  return phone;
}
