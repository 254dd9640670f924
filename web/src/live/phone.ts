// Answering in the browser with Twilio's Voice SDK. The server issues a short-lived
// token; the SDK is loaded only when there is one. When Twilio is not configured the
// server says why, and the screen shows that instead of an Answer button that cannot work.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api';

export type PhoneState =
  | { state: 'starting' }
  | { state: 'unavailable'; reason: string }
  | { state: 'ready' }
  | { state: 'in-call'; muted: boolean };

interface VoiceToken {
  token: string;
  identity: string;
  expiresAt: string;
}

type DeviceLike = { register(): Promise<void>; destroy(): void; updateToken(t: string): void; on(e: string, f: (...a: never[]) => void): void };
type CallLike = { accept(): void; disconnect(): void; mute(m: boolean): void; on(e: string, f: () => void): void };

export function useBrowserPhone() {
  const [phone, setPhone] = useState<PhoneState>({ state: 'starting' });
  const call = useRef<CallLike | null>(null);
  const expecting = useRef(false);

  useEffect(() => {
    let device: DeviceLike | null = null;
    let cancelled = false;
    (async () => {
      try {
        const { token } = await api<VoiceToken>('GET', '/api/voice/token');
        const { Device } = await import('@twilio/voice-sdk');
        if (cancelled) return;
        device = new Device(token, { closeProtection: true }) as unknown as DeviceLike;
        device.on('tokenWillExpire', () => {
          void api<VoiceToken>('GET', '/api/voice/token').then((t) => device?.updateToken(t.token));
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
        device.on('error', (err: { message?: string }) => setPhone({ state: 'unavailable', reason: `The browser phone stopped: ${err.message ?? 'unknown error'}` }));
        await device.register();
        if (!cancelled) setPhone({ state: 'ready' });
      } catch (err) {
        if (!cancelled) setPhone({ state: 'unavailable', reason: err instanceof ApiError ? err.message : 'The browser phone could not start. Check the microphone permission and the connection.' });
      }
    })();
    return () => {
      cancelled = true;
      device?.destroy();
    };
  }, []);

  const expectCall = useCallback(() => {
    expecting.current = true;
  }, []);
  const mute = useCallback((muted: boolean) => {
    call.current?.mute(muted);
    setPhone({ state: 'in-call', muted });
  }, []);
  const hangUp = useCallback(() => call.current?.disconnect(), []);
  return { phone, expectCall, mute, hangUp };
}
