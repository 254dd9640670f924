import { useEffect, useState } from 'react';
import { api } from '../api';
import type {
  AppointmentTypeList,
  AppointmentTypeView,
  PractitionerList,
  PractitionerView,
} from '../../../src/contracts/api';

/** The clinic's practitioners and appointment types, for the booking and moving forms. */
export function useDiarySetup(base: string) {
  const [practitioners, setPractitioners] = useState<PractitionerView[]>([]);
  const [types, setTypes] = useState<AppointmentTypeView[]>([]);
  useEffect(() => {
    api<PractitionerList>('GET', `${base}/practitioners`).then(
      (r) => setPractitioners(r.practitioners),
      () => undefined, // the screen still works; the pickers offer fewer names
    );
    api<AppointmentTypeList>('GET', `${base}/appointment-types`).then(
      (r) => setTypes(r.appointmentTypes),
      () => undefined,
    );
  }, [base]);
  return { practitioners, types };
}
