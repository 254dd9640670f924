// One live connection per signed-in page, shared by every screen: each screen
// subscribes to the events it shows and refetches when the connection comes back.
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';
import { Answering, type LiveEvent, type LiveState, useLive } from './socket';

type Listener = { onEvent: (e: LiveEvent) => void; onResync: () => void };

const LiveContext = createContext<{
  subscribe(l: Listener): () => void;
  /** The Live screen opened (true) or closed: presence counts a person only while it is open. */
  answering(on: boolean): void;
} | null>(null);
/** Whether the hub has this page's Live screen as open: until it has, taking calls is refused. */
const AnsweringNoted = createContext(false);

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
  const [noted, setNoted] = useState(false);
  const [answering] = useState(() => new Answering(setNoted));
  const state = useLive(
    clinicId,
    (e) => listeners.current.forEach((l) => l.onEvent(e)),
    () => listeners.current.forEach((l) => l.onResync()),
    answering,
  );
  useEffect(() => onState(state), [state, onState]);
  const value = useRef({
    subscribe(l: Listener) {
      listeners.current.add(l);
      return () => void listeners.current.delete(l);
    },
    answering: (on: boolean) => answering.set(on),
  });
  return (
    <LiveContext.Provider value={value.current}>
      <AnsweringNoted.Provider value={noted}>{children}</AnsweringNoted.Provider>
    </LiveContext.Provider>
  );
}

/**
 * Tells the hub the Live screen is open while the calling component is mounted; true once
 * the hub has noted it (false again while the connection is down).
 */
export function useAnswering(): boolean {
  const live = useContext(LiveContext);
  useEffect(() => {
    live?.answering(true);
    return () => live?.answering(false);
  }, [live]);
  return useContext(AnsweringNoted);
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
