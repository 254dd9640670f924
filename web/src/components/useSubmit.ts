import { useState } from 'react';
import type { ApiError } from '../api';

/** A form's save: busy while it runs, the server's message (which names the field) when it fails, a word when it worked. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState('');
  async function run(action: () => Promise<unknown>, doneText = 'Saved.'): Promise<boolean> {
    setBusy(true);
    setError(null);
    setDone('');
    try {
      await action();
      setDone(doneText);
      return true;
    } catch (err) {
      setError((err as ApiError).message);
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, done, run };
}
