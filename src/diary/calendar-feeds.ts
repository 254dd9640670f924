// Secret, revocable iCalendar feeds of a clinic's or one practitioner's diary.
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import { hmac, safeEqual } from '../core/tokens.js';
import { type Actor, recordAudit } from '../core/audit.js';
import { NotFound } from '../core/errors.js';
import type { Prisma } from '../db/database.js';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';

interface Feed {
  id: string;
  clinicId: string;
  practitionerId: string | null;
  version: number;
  showFullNames: boolean;
}

/** The URL token: the feed's id and an HMAC of (id, version). Regenerating bumps the version, so old URLs die. */
export const feedToken = (secret: string, feed: Pick<Feed, 'id' | 'version'>): string =>
  `${feed.id}.${hmac(secret, `ical:${feed.id}:${feed.version}`).slice(0, 32)}`;

export const feedUrl = (baseUrl: string, secret: string, feed: Pick<Feed, 'id' | 'version'>) =>
  `${baseUrl}/ical/${feedToken(secret, feed)}.ics`;

export async function findFeedByToken(prisma: Prisma, secret: string, token: string): Promise<Feed | null> {
  const [id, mac] = token.split('.');
  if (!id || !mac || !/^[0-9a-f-]{36}$/.test(id)) return null;
  const feed = await prisma.calendarFeed.findUnique({ where: { id } });
  return feed && safeEqual(feedToken(secret, feed), token) ? feed : null;
}

/** The clinic's feed and one per practitioner, made on first use. */
export async function feedsOf(prisma: Prisma, clinicId: string) {
  const practitioners = await prisma.practitioner.findMany({
    where: { clinicId },
    select: { id: true, name: true },
    orderBy: { name: 'asc' },
  });
  const existing = await prisma.calendarFeed.findMany({ where: { clinicId } });
  const missing = [null, ...practitioners.map((p) => p.id)].filter(
    (pid) => !existing.some((f) => f.practitionerId === pid),
  );
  if (missing.length) {
    // Two owners opening the page at once may both try: the unique indexes keep one of each.
    await prisma.calendarFeed.createMany({
      data: missing.map((practitionerId) => ({ clinicId, practitionerId })),
      skipDuplicates: true,
    });
  }
  const feeds = await prisma.calendarFeed.findMany({ where: { clinicId } });
  const name = (pid: string | null) => (pid ? (practitioners.find((p) => p.id === pid)?.name ?? '') : null);
  return feeds
    .map((f) => ({ ...f, practitionerName: name(f.practitionerId) }))
    .sort((a, b) => (a.practitionerName ?? '').localeCompare(b.practitionerName ?? ''));
}

/** A new link for the feed: the old one stops working at once. */
export async function regenerateFeed(prisma: Prisma, clinicId: string, feedId: string, actor: Actor): Promise<Feed> {
  return changeFeed(prisma, clinicId, feedId, actor, { version: { increment: 1 } }, 'calendar_feed.regenerated');
}

/** Full names in the feed, or initials only (the default: a calendar app is not a patient record). */
export async function showFullNames(
  prisma: Prisma,
  clinicId: string,
  feedId: string,
  actor: Actor,
  show: boolean,
): Promise<Feed> {
  return changeFeed(prisma, clinicId, feedId, actor, { showFullNames: show }, 'calendar_feed.changed', {
    showFullNames: show,
  });
}

async function changeFeed(
  prisma: Prisma,
  clinicId: string,
  feedId: string,
  actor: Actor,
  data: PrismaTypes.CalendarFeedUpdateInput,
  action: string,
  details?: { showFullNames: boolean },
): Promise<Feed> {
  return prisma.$transaction(async (tx) => {
    const changed = await tx.calendarFeed.updateManyAndReturn({ where: { id: feedId, clinicId }, data });
    const feed = changed[0];
    if (!feed) throw new NotFound('No such calendar feed');
    await recordAudit(tx, { actor, action, clinicId, subject: { type: 'calendar_feed', id: feed.id }, details });
    return feed;
  });
}

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => `${part[0]!.toUpperCase()}.`)
    .join(' ');

/** The feed as iCalendar text: live appointments from a month ago to the clinic's horizon, in the clinic's time zone. */
export async function renderFeed(prisma: Prisma, feed: Feed, now: Date): Promise<string> {
  const clinic = await prisma.clinic.findUniqueOrThrow({
    where: { id: feed.clinicId },
    select: { name: true, timeZone: true, horizonDays: true },
  });
  const appointments = await prisma.appointment.findMany({
    where: {
      clinicId: feed.clinicId,
      ...(feed.practitionerId ? { practitionerId: feed.practitionerId } : {}),
      status: { not: 'cancelled' },
      startsAt: {
        gte: new Date(now.getTime() - 30 * 86_400_000),
        lt: new Date(now.getTime() + (clinic.horizonDays + 1) * 86_400_000),
      },
    },
    include: {
      patient: { select: { name: true } },
      type: { select: { name: true } },
      practitioner: { select: { name: true } },
    },
    orderBy: { startsAt: 'asc' },
  });
  const calendar = ical({
    name: feed.practitionerId
      ? `${clinic.name} — ${appointments[0]?.practitioner.name ?? 'diary'}`
      : `${clinic.name} diary`,
    prodId: { company: 'clinic-phone-line', product: 'diary', language: 'EN' },
    timezone: { name: clinic.timeZone, generator: getVtimezoneComponent },
    ttl: 15 * 60,
  });
  for (const a of appointments) {
    const who = feed.showFullNames ? a.patient.name : initials(a.patient.name);
    calendar.createEvent({
      id: `${a.id}@clinic-phone-line`,
      // Luxon times in the clinic's zone: given a plain Date, ical-generator would write UTC digits under the local TZID.
      start: DateTime.fromJSDate(a.startsAt, { zone: clinic.timeZone }),
      end: DateTime.fromJSDate(a.endsAt, { zone: clinic.timeZone }),
      timezone: clinic.timeZone,
      stamp: a.createdAt,
      summary: `${a.type.name}: ${who}`,
      description: `With ${a.practitioner.name}`,
      status: ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
