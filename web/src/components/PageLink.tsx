import type { ReactNode } from 'react';
import { navigate } from '../router';

/**
 * A link to another of the dashboard's pages, on a line of its own: a real link (a new tab,
 * copying it work), followed here without reloading the page.
 */
export function PageLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <a
      className="line-link"
      href={to}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
