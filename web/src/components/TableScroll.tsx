import type { ReactNode } from 'react';

/**
 * A table's own sideways-scrolling box, for a window too narrow for its columns (at
 * 320 px, WCAG 1.4.10): the table scrolls, not the page. Focusable, so a keyboard can
 * scroll it, and named, so a screen reader says what it holds.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" tabIndex={0} aria-label={label}>
      {children}
    </div>
  );
}
