// A panel that opens because of what someone just did (Answer, a gap, Move…) takes the
// focus, so the keyboard carries on inside it rather than from the top of the page
// (WCAG 2.4.3); it is never used for what arrives by itself (a new caller).
import { useEffect, useRef } from 'react';

export function useFocusOnOpen<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: false });
  }, []);
  return ref;
}
