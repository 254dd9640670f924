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

/** How long the hub has to acknowledge that the Live screen is open before the page tells it again. */
const ACKNOWLEDGE_WITHIN_MS = 10_000;

/**
 * Whether this page's Live screen is open, as the hub hears it: on every connection and
 * whenever it changes. `onNoted` hears true once the hub has acknowledged the opening in
 * force now (it has then recorded the person as connected, which taking calls needs), and
 * false when the screen closes or the connection drops.
 */
export class Answering {
  private open = false;
  /** Counts openings, closings and drops: an acknowledgement of an earlier one is ignored. */
  private generation = 0;
  socket?: Socket;

  constructor(private readonly onNoted: (noted: boolean) => void) {}

  set(open: boolean): void {
    this.open = open;
    this.generation++;
    if (!open) {
      this.onNoted(false);
      this.socket?.emit('answering', false);
    } else if (this.socket?.connected) this.tell(this.socket);
  }

  /** A connection (a first one, or again) is ready. */
  connected(socket: Socket): void {
    this.generation++;
    if (this.open) this.tell(socket);
  }

  dropped(): void {
    this.generation++;
    this.onNoted(false);
  }

  private tell(socket: Socket): void {
    const generation = this.generation;
    socket.timeout(ACKNOWLEDGE_WITHIN_MS).emit('answering', true, (err: Error | null) => {
      if (generation !== this.generation) return;
      if (!err) this.onNoted(true);
      // No acknowledgement (the hub could not record it: its database slow or down): again.
      else if (socket.connected) this.tell(socket);
    });
  }
}

/**
 * Calls `onEvent` for each event of `clinicId`, and `onResync` whenever the socket
 * (re)connects, so the screen can fetch the current state it may have missed.
 */
export function useLive(
  clinicId: string,
  onEvent: (e: LiveEvent) => void,
  onResync: () => void,
  /** Whether the Live screen is open, told to the hub on every connection. */
  answering: Answering,
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
      answering.connected(socket);
      // A recovered socket got the missed events itself; a fresh one refetches.
      if (!first && !info.recovered) handlers.current.onResync();
      first = false;
    });
    // The server ends a connection only when the person may no longer have it; anything else is the network.
    let left = false;
    socket.on('disconnect', (reason) => {
      answering.dropped();
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
