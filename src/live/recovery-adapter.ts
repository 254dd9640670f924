// What one instance keeps for dashboards that come back after a dropped connection.
//
// Socket.IO's in-memory adapter, with connection-state recovery on, keeps every
// broadcast for the recovery window (and up to a minute more, until its sweep), so a
// socket that comes back gets what it missed. It keeps them also for clinics whose
// dashboard nobody has open: on an operator's server that is nearly every call of every
// clinic (at 1,000 calls a second, ~180,000 packets held), grown heap that each garbage
// collection walks again. A packet can only be asked for by a socket that was in its room
// when it was sent: one connected then (it may drop later and ask for what followed the
// last packet it had) or one that had dropped and may still come back. This adapter keeps
// exactly those. A packet it does not keep has no socket here to go to either, so it is
// not even encoded (Socket.IO encodes before looking for sockets).
import { type BroadcastOptions, SessionAwareAdapter } from 'socket.io-adapter';

type Persisted = Parameters<SessionAwareAdapter['persistSession']>[0];

export class RecoverableOnlyAdapter extends SessionAwareAdapter {
  /** The rooms of each socket that dropped, until it can no longer come back. */
  private readonly away = new Map<string, { rooms: string[]; until: number }>();
  private readonly window: number;

  constructor(nsp: ConstructorParameters<typeof SessionAwareAdapter>[0]) {
    super(nsp);
    this.window = (
      nsp as { server: { opts: { connectionStateRecovery: { maxDisconnectionDuration: number } } } }
    ).server.opts.connectionStateRecovery.maxDisconnectionDuration;
  }

  override persistSession(session: Persisted): void {
    super.persistSession(session);
    this.away.set(session.pid, { rooms: session.rooms, until: Date.now() + this.window });
  }

  override broadcast(packet: unknown, opts: BroadcastOptions): void {
    if (this.couldBeAskedFor(opts)) super.broadcast(packet, opts);
  }

  private couldBeAskedFor({ rooms }: BroadcastOptions): boolean {
    const now = Date.now();
    for (const [pid, { until }] of this.away) if (until < now) this.away.delete(pid);
    if (rooms.size === 0) return this.sids.size > 0 || this.away.size > 0;
    for (const room of rooms) if (this.rooms.has(room)) return true;
    for (const { rooms: theirs } of this.away.values()) if (theirs.some((room) => rooms.has(room))) return true;
    return false;
  }
}
