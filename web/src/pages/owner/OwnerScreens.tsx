// The owner's screens, in their own chunk: a receptionist's browser never loads them.
import type { ClinicSummary } from '../../../../src/contracts/api';
import { AuditLog } from './AuditLog';
import { Settings } from './Settings';
import { Staff } from './Staff';
import { Statistics } from './Statistics';

export default function OwnerScreens({
  screen,
  clinic,
  me,
}: {
  screen: string;
  clinic: ClinicSummary;
  me: string | undefined;
}) {
  if (screen === '/statistics') return <Statistics clinic={clinic} />;
  if (screen === '/settings') return <Settings clinic={clinic} />;
  if (screen === '/staff') return <Staff clinic={clinic} me={me} />;
  if (screen === '/audit') return <AuditLog clinic={clinic} />;
  return null;
}
