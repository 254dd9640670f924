import { randomBytes } from 'node:crypto';
import { addStaff } from '../accounts/staff.js';
import type { Prisma } from '../db/database.js';
import { createClinic } from './clinics.js';
import { seedDemoData } from './demo-data.js';

export interface DemoSignIn {
  clinicName: string;
  owner: { email: string; password: string };
  receptionist: { email: string; password: string };
}

// +44 1632 960xxx is Ofcom's range reserved for drama: it can never ring anyone.
export const DEMO_NUMBER = '+441632960000';

/**
 * A newcomer's first start: an empty embedded database gets a demo clinic with an
 * owner and a receptionist, with random passwords shown once, and a diary and call
 * history around today (demo-data.ts). Never in production.
 */
export async function seedDemoClinicIfEmpty(prisma: Prisma, now = new Date()): Promise<DemoSignIn | null> {
  if ((await prisma.clinic.count()) > 0) return null;
  const clinic = await createClinic(prisma, { name: 'Demo Clinic', numbers: [DEMO_NUMBER], timeZone: 'Europe/London', locale: 'en-GB' }, { type: 'system' });
  const password = () => randomBytes(12).toString('base64url');
  const owner = { email: 'owner@demo.example', password: password() };
  const receptionist = { email: 'reception@demo.example', password: password() };
  await addStaff(prisma, { clinicId: clinic.id, email: owner.email, role: 'owner', password: owner.password }, { type: 'system' });
  const desk = await addStaff(prisma, { clinicId: clinic.id, email: receptionist.email, role: 'receptionist', password: receptionist.password }, { type: 'system' });
  await seedDemoData(prisma, { id: clinic.id, number: DEMO_NUMBER }, desk.userId, now);
  return { clinicName: clinic.name, owner, receptionist };
}
