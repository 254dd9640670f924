// One live connection per signed-in page, shared by every screen: each screen
// subscribes to the events it shows and refetches when the connection comes back.
import { createContext, type ReactNode, useContext, useEffect, useRef } from 'react';
import { type LiveEvent, type LiveState, useLive } from './socket';

type Listener = { onEvent: (e: LiveEvent) => void; onResync: () => void };

const LiveContext = createContext<{ subscribe(l: Listener): () => void } | null>(null);

export function LiveProvider({
  clinicId,
  children,
  onState,
}: {
  clinicId: string;
  children: ReactNode;
  onState: (s: LiveState) => void;
}) {
  const listeners = useRef(new Set<Listener>());
  const state = useLive(
    clinicId,
    (e) => listeners.current.forEach((l) => l.onEvent(e)),
    () => listeners.current.forEach((l) => l.onResync()),
  );
  useEffect(() => onState(state), [state, onState]);
  const value = useRef({
    subscribe(l: Listener) {
      listeners.current.add(l);
      return () => void listeners.current.delete(l);
    },
  });
  return <LiveContext.Provider value={value.current}>{children}</LiveContext.Provider>;
}

/** Calls `onEvent` for each live event of the clinic and `onResync` after a reconnect that may have missed some. */
export function useLiveEvents(onEvent: (e: LiveEvent) => void, onResync: () => void): void {
  const live = useContext(LiveContext);
  const current = useRef({ onEvent, onResync });
  current.current = { onEvent, onResync };
  useEffect(
    () => live?.subscribe({ onEvent: (e) => current.current.onEvent(e), onResync: () => current.current.onResync() }),
    [live],
  );
}
