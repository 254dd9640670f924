// The dashboard's live connection: one Socket.IO socket (WebSocket only) carrying
// every event of the signed-in person's clinics. Its state drives the
// "reconnecting" banner; after any reconnect the screens refetch what they show.
import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { AppEvent, HubMessages } from '../../../src/contracts/events';

/** An event of the clinic, as the server published it (src/contracts/events.ts): `name` tells which, and so the shape of `data`. */
export type LiveEvent = AppEvent;

const HUB_MESSAGES: Record<keyof HubMessages, true> = { ready: true, 'clinic.left': true };

/** `ended`: the server closed the connection for good (signed out, removed from the clinic). */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'ended';

/**
 * Calls `onEvent` for each event of `clinicId`, and `onResync` whenever the socket
 * (re)connects, so the screen can fetch the current state it may have missed.
 */
export function useLive(
  clinicId: string,
  onEvent: (e: LiveEvent) => void,
  onResync: () => void,
  /**
   * Whether the Live screen is open now (told to the hub on every connection, and when it changes);
   * `noted` hears when the hub has it (acknowledged) and when the connection drops.
   */
  answering: { current: boolean; socket?: Socket; noted(on: boolean): void },
): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handlers = useRef({ onEvent, onResync });
  handlers.current = { onEvent, onResync };
  useEffect(() => {
    const socket: Socket = io({ transports: ['websocket'], reconnectionDelayMax: 5_000 });
    answering.socket = socket;
    let first = true;
    socket.on('ready', (info: HubMessages['ready']) => {
      setState('live');
      if (answering.current) socket.emit('answering', true, () => answering.current && answering.noted(true));
      // A recovered socket got the missed events itself; a fresh one refetches.
      if (!first && !info.recovered) handlers.current.onResync();
      first = false;
    });
    // The server ends a connection only when the person may no longer have it; anything else is the network.
    let left = false;
    socket.on('disconnect', (reason) => {
      answering.noted(false);
      setState(left || reason === 'io server disconnect' ? 'ended' : 'reconnecting');
    });
    socket.on('connect_error', () => setState('reconnecting'));
    // Removed from this clinic (still a member elsewhere): the connection is over for this screen.
    socket.on('clinic.left', (event: HubMessages['clinic.left']) => {
      if (event?.clinicId !== clinicId) return;
      left = true;
      socket.disconnect();
    });
    socket.onAny((name: string, event: LiveEvent) => {
      if (!(name in HUB_MESSAGES) && event?.clinicId === clinicId) handlers.current.onEvent(event);
    });
    return () => {
      answering.socket = undefined;
      socket.disconnect();
    };
  }, [clinicId, answering]);
  return state;
}
