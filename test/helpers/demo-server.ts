// The server as a newcomer meets it: `npm start` on a fresh data folder, so the
// embedded database, the demo clinic and the phone simulator (no Twilio account).
// For the first-hour browser test and the README's screenshots.
import { signIn, type HttpBrowser } from './http-browser.js';
import { startServerProcess, tempDataDir, type ServerProcess } from './process.js';
import { until } from './until.js';

export interface Login {
  email: string;
  password: string;
}

export interface DemoServer {
  server: ServerProcess;
  url: string;
  owner: Login;
  receptionist: Login;
  clinicId: string;
  /** The owner's session over fetch, for setting things up. */
  ownerApi: HttpBrowser;
  stop(): Promise<void>;
}

export async function startDemoServer(env: Record<string, string> = {}): Promise<DemoServer> {
  const server = await startServerProcess({ DATA_DIR: await tempDataDir(), ...env });
  try {
    // The sign-ins printed once, on the first start.
    const printed = await until(
      'the demo sign-ins to be printed',
      () => /owner\s+(\S+)\s+password (\S+)\n\s+receptionist\s+(\S+)\s+password (\S+)/.exec(server.stdout()),
      10_000,
    );
    const owner = { email: printed[1]!, password: printed[2]! };
    const ownerApi = await signIn(server.url, owner);
    const clinicId = ((await ownerApi.call('GET', '/api/session')).body.clinics as Array<{ id: string }>)[0]!.id;
    return {
      server,
      url: server.url,
      owner,
      receptionist: { email: printed[3]!, password: printed[4]! },
      clinicId,
      ownerApi,
      stop: async () => void (await server.stop()),
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** Reception open every hour of every day, so a test or a screenshot does not depend on when it runs. */
export async function openReceptionAllWeek(demo: DemoServer): Promise<void> {
  const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
  const res = await demo.ownerApi.call('PUT', `/api/clinics/${demo.clinicId}/opening-hours`, { hours });
  if (res.status !== 200) throw new Error(`opening hours answered ${res.status}`);
}

/** Books the demo patient on this number into the next free time, so their card always lists an appointment ahead. */
export async function bookAheadFor(demo: DemoServer, phone: string): Promise<void> {
  const base = `/api/clinics/${demo.clinicId}`;
  const found = await demo.ownerApi.call('GET', `${base}/patients?q=${encodeURIComponent(phone)}`);
  const patient = (found.body.patients as Array<{ id: string }>)[0];
  if (!patient) throw new Error('no demo patient on that number');
  const types = (await demo.ownerApi.call('GET', `${base}/appointment-types`)).body.appointmentTypes as Array<{
    id: string;
  }>;
  const slots = await demo.ownerApi.call('GET', `${base}/slots?typeId=${types[0]!.id}&limit=1`);
  const slot = (slots.body.slots as Array<{ practitionerId: string; startsAt: string }>)[0]!;
  const booked = await demo.ownerApi.call('POST', `${base}/appointments`, {
    patientId: patient.id,
    practitionerId: slot.practitionerId,
    typeId: types[0]!.id,
    startsAt: slot.startsAt,
  });
  if (booked.status !== 201) throw new Error(`booking answered ${booked.status}`);
}
