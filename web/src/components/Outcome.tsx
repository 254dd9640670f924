// What came of what someone just did ("Booked Jane Doe for…"), said politely and given
// the focus: the panel they worked in has closed, and the keyboard carries on from here
// instead of from the top of the page (WCAG 2.4.3). Only for the outcomes of actions.
import { useEffect, useRef } from 'react';

export function Outcome({ text }: { text: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (text) ref.current?.focus();
  }, [text]);
  if (!text) return null;
  return (
    <p role="status" tabIndex={-1} ref={ref} className="outcome">
      {text}
    </p>
  );
}
