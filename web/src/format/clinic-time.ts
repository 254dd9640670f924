// The clinic whose screens these are, for writing and reading dates its way: every
// screen under the signed-in shell finds its time zone and locale here.
import { createContext, createElement, type ReactNode, useContext } from 'react';
import type { ClinicTime } from './dates';

const ClinicTimeContext = createContext<ClinicTime | null>(null);

export function ClinicTimeProvider({ clinic, children }: { clinic: ClinicTime; children: ReactNode }) {
  return createElement(ClinicTimeContext.Provider, { value: clinic }, children);
}

/** The clinic's time zone and locale (the shell provides them). */
export function useClinicTime(): ClinicTime {
  const clinic = useContext(ClinicTimeContext);
  if (!clinic) throw new Error('useClinicTime needs a ClinicTimeProvider');
  return clinic;
}
