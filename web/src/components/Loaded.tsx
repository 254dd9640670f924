import type { ReactNode } from 'react';
import type { Load } from '../api';

/** A fetched thing's three states: a loading line, the error with a retry, or the content. */
export function Loaded<T>({
  load,
  loading,
  retry,
  children,
}: {
  load: Load<T>;
  loading: string;
  retry?: () => void;
  children: (value: T) => ReactNode;
}) {
  if (load.state === 'loading') return <p role="status">{loading}</p>;
  if (load.state === 'error') {
    return (
      <p role="alert">
        {load.message} {retry && <button onClick={retry}>Try again</button>}
      </p>
    );
  }
  return <>{children(load.value)}</>;
}
