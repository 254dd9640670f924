import type { Response } from 'express';

/**
 * Sends a long answer as it is made, piece by piece, waiting for the client to take
 * each (so memory stays small and other requests run between pieces). The first piece
 * is made before anything is sent, so a bad request still gets a proper error; a
 * failure after that can only cut the download short, which the client sees.
 */
export async function sendInPieces(res: Response, pieces: AsyncIterable<string | Uint8Array>): Promise<void> {
  const iterator = pieces[Symbol.asyncIterator]();
  let next = await iterator.next();
  try {
    while (!next.done) {
      if (!res.write(next.value)) await drained(res);
      if (res.destroyed) return void (await iterator.return?.());
      next = await iterator.next();
    }
    res.end();
  } catch (err) {
    res.destroy(err as Error);
  }
}

/** Resolves when the response can take more, or has closed (the client went away). */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}
