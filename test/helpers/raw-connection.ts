import net from 'node:net';

export interface RawConnection {
  socket: net.Socket;
  /** Everything the server has sent so far, as text. */
  received: () => string;
  /** Resolves when the connection has closed (by either side). */
  closed: Promise<void>;
}

/** A plain TCP connection to a server on 127.0.0.1, for writing HTTP by hand; rejects if it cannot connect. */
export function rawConnection(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      socket.on('error', () => undefined);
      resolve({ socket, received: () => text, closed });
    });
  });
}
