// The clinic's own copy of everything it holds, as a zip: clinic.json with every
// table (voicemails' transcripts as text), and a CSV per table. Read and compressed a
// page at a time and sent as it is made, so a large clinic's export never holds the
// database (in-process, for the embedded one) or the event loop for long, nor needs
// the whole clinic in memory.
import { strToU8, Zip, ZipDeflate } from 'fflate';
import { type Actor, recordAudit } from '../core/audit.js';
import { toCsv } from '../core/csv.js';
import { breathe } from '../db/breathe.js';
import type { Prisma } from '../db/database.js';
import { inPages } from '../db/pages.js';
import { clinicDataKey } from '../recordings/keys.js';
import { openTranscript } from '../recordings/transcripts.js';

type Row = Record<string, unknown>;
const FASTEST = { level: 1 } as const;
/** What every Prisma model delegate can do; enough to page through a table. */
interface Readable {
  findMany(args: object): Promise<Row[]>;
}

/** Every row of a table that `where` selects, a page at a time in id order. */
const pagesById = (model: Readable, where: object, options: object = {}) =>
  inPages<Row>((after, take) =>
    model.findMany({
      ...options,
      where: after === undefined ? where : { AND: [where, { id: { gt: after.id } }] },
      orderBy: { id: 'asc' },
      take,
    }),
  );

/** A call's timeline rows, page by page of the clinic's calls: joining every call of the clinic per page would make each read long. */
async function* callEventPages(prisma: Prisma, clinicId: string): AsyncGenerator<Row[]> {
  for await (const calls of inPages<{ id: string }>(
    (after, take) =>
      prisma.call.findMany({
        where: { clinicId, ...(after ? { id: { gt: after.id } } : {}) },
        select: { id: true },
        orderBy: { id: 'asc' },
        take,
      }),
    1_000,
  )) {
    yield* pagesById(prisma.callEvent as unknown as Readable, { callId: { in: calls.map((c) => c.id) } });
  }
}

/** A table small by nature (its numbers, staff, daily totals): one read. */
async function* whole(read: Promise<Row[]>): AsyncGenerator<Row[]> {
  const rows = await read;
  await breathe();
  yield rows;
}

/** Recordings with their voicemails' transcripts as text (sealed in the database with the clinic's key). */
async function* withTranscripts(pages: AsyncGenerator<Row[]>, key: () => Promise<Buffer>): AsyncGenerator<Row[]> {
  for await (const rows of pages) {
    const opened: Row[] = [];
    for (const { transcript, ...row } of rows)
      opened.push({
        ...row,
        transcript: transcript ? openTranscript(await key(), transcript as Uint8Array, String(row.id)) : null,
      });
    yield opened;
  }
}

/** The clinic's tables, in the order the export writes them (secrets and audio bytes left out). */
function tablesOf(prisma: Prisma, clinicId: string, masterKey: Buffer): Array<[string, () => AsyncGenerator<Row[]>]> {
  const byClinic = { clinicId };
  const m = (model: unknown) => model as Readable;
  return [
    ['clinic', () => whole(prisma.clinic.findMany({ where: { id: clinicId } }))],
    ['numbers', () => whole(prisma.clinicNumber.findMany({ where: byClinic }))],
    [
      'staff',
      () =>
        whole(
          prisma.membership
            .findMany({
              where: byClinic,
              select: { userId: true, role: true, createdAt: true, user: { select: { email: true, name: true } } },
            })
            .then((rows) => rows.map(({ user, ...row }) => ({ ...row, email: user.email, name: user.name }))),
        ),
    ],
    ['invitations', () => pagesById(m(prisma.invitation), byClinic, { omit: { tokenHash: true } })],
    ['practitioners', () => pagesById(m(prisma.practitioner), byClinic)],
    ['workingHours', () => pagesById(m(prisma.workingHours), { practitioner: byClinic })],
    ['appointmentTypes', () => pagesById(m(prisma.appointmentType), byClinic)],
    [
      'appointmentTypePractitioners',
      () => whole(prisma.appointmentTypePractitioner.findMany({ where: { type: byClinic } })),
    ],
    ['openingHours', () => pagesById(m(prisma.openingHours), byClinic)],
    ['closures', () => pagesById(m(prisma.closure), byClinic)],
    ['patients', () => pagesById(m(prisma.patient), byClinic)],
    ['appointments', () => pagesById(m(prisma.appointment), byClinic)],
    ['waitlist', () => pagesById(m(prisma.waitlistEntry), byClinic)],
    ['waitlistOffers', () => pagesById(m(prisma.waitlistOffer), byClinic)],
    [
      'calendarFeeds',
      () =>
        pagesById(m(prisma.calendarFeed), byClinic, {
          select: { id: true, practitionerId: true, showFullNames: true, version: true },
        }),
    ],
    ['calls', () => pagesById(m(prisma.call), byClinic)],
    ['callEvents', () => callEventPages(prisma, clinicId)],
    [
      'recordings',
      () => withTranscripts(pagesById(m(prisma.recording), byClinic), () => clinicDataKey(prisma, masterKey, clinicId)),
    ],
    ['callBacks', () => pagesById(m(prisma.callBack), byClinic)],
    ['callBackAttempts', () => pagesById(m(prisma.callBackAttempt), byClinic)],
    ['callStatistics', () => whole(prisma.callStatsDay.findMany({ where: byClinic, orderBy: { day: 'asc' } }))],
    ['textMessages', () => pagesById(m(prisma.textMessage), byClinic)],
    ['auditLog', () => pagesById(m(prisma.auditEntry), byClinic)],
  ];
}

/** JSON for exports: audit and event ids are bigints, written as strings. */
export const exportJson = (data: unknown, indent = 2) =>
  JSON.stringify(data, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), indent);

const cell = (v: unknown): string =>
  v === null || v === undefined
    ? ''
    : v instanceof Date
      ? v.toISOString()
      : typeof v === 'bigint'
        ? v.toString()
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v);

/**
 * The clinic's data as a zip, in pieces as it is made: clinic.json with every table, and
 * csv/<table>.csv. Deflate runs in this process between calls, so at its fastest level:
 * the file is a little larger, and each page holds the phone line up for less.
 */
export async function* clinicExportZip(
  deps: { prisma: Prisma; masterKey: Buffer },
  who: { clinicId: string; actor: Actor },
  now: Date,
): AsyncGenerator<Uint8Array> {
  const { prisma } = deps;
  const { clinicId } = who;
  await recordAudit(prisma, { actor: who.actor, action: 'clinic.exported', clinicId });
  const made: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, data) => (err ? (failure = err) : made.push(data)));
  const taken = function* () {
    if (failure) throw failure;
    yield* made.splice(0);
  };
  const json = new ZipDeflate('clinic.json', FASTEST);
  zip.add(json);
  json.push(strToU8(`{\n  "exportedAt": ${JSON.stringify(now)}`));
  for (const [name, pages] of tablesOf(prisma, clinicId, deps.masterKey)) {
    // Written after clinic.json in the zip; fflate keeps its compressed pages until then.
    const csv = new ZipDeflate(`csv/${name}.csv`, FASTEST);
    zip.add(csv);
    json.push(strToU8(`,\n  ${JSON.stringify(name)}: [`));
    let columns: string[] | null = null;
    for await (const rows of pages()) {
      if (rows.length === 0) continue;
      json.push(
        strToU8(rows.map((row, i) => `${columns === null && i === 0 ? '' : ','}\n    ${exportJson(row, 0)}`).join('')),
      );
      const header = columns === null;
      columns ??= Object.keys(rows[0]!);
      csv.push(
        strToU8(
          toCsv(
            rows.map((r) => columns!.map((c) => cell(r[c]))),
            columns,
            { header },
          ),
        ),
      );
      yield* taken();
    }
    json.push(strToU8(columns === null ? ']' : '\n  ]'));
    csv.push(new Uint8Array(0), true);
    yield* taken();
  }
  json.push(strToU8('\n}\n'), true);
  zip.end();
  yield* taken();
}
