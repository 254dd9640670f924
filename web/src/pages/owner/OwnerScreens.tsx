// The owner's screens, in their own chunk: a receptionist's browser never loads them.
import type { ClinicSummary } from '../../../../src/contracts/api';
import { AuditLog } from './AuditLog';
import { Settings } from './Settings';
import { SetupChecklist } from './SetupChecklist';
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
  return (
    <>
      <SetupChecklist clinic={clinic} />
      {screen === '/statistics' && <Statistics clinic={clinic} />}
      {screen === '/settings' && <Settings clinic={clinic} />}
      {screen === '/staff' && <Staff clinic={clinic} me={me} />}
      {screen === '/audit' && <AuditLog clinic={clinic} />}
    </>
  );
}
