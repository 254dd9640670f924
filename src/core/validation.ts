import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * A phone number in E.164 (+ and up to 15 digits) of a length its country allows.
 * "Possible", not "valid": validity follows allocation tables that lag behind new
 * ranges, and Ofcom's drama numbers (our demo's) are deliberately unallocated.
 */
const E164 = /^\+[1-9]\d{6,14}$/;

/** Shaped like E.164 (+ and 7–15 digits): a caller ID worth matching against patients, not "anonymous" or a browser client. */
export const isE164 = (n: string | null | undefined): n is string => typeof n === 'string' && E164.test(n);

export const e164Schema = z
  .string({ error: 'is required' })
  .trim()
  .regex(E164, 'must be in E.164 form, like +441632960123')
  .refine(
    (n) => parsePhoneNumberFromString(n)?.isPossible() === true,
    'is not a possible phone number for its country',
  );

export const timeZoneSchema = z
  .string({ error: 'is required' })
  .refine((tz) => IANAZone.isValidZone(tz) && tz.includes('/'), 'must be an IANA time zone, like Europe/London');

/**
 * The voices the phone line speaks in. Its words are English, and Twilio's default
 * voices (man, woman) take English only as en (American) or en-GB: another locale
 * would be refused by Twilio mid-call, or read English in a foreign voice.
 */
export const SPOKEN_LOCALES = ['en-GB', 'en-US'] as const;

export const localeSchema = z
  .string()
  .refine(
    (l) => (SPOKEN_LOCALES as readonly string[]).includes(l),
    `must be ${SPOKEN_LOCALES.join(' or ')}: the phone line speaks English in a British or an American voice`,
  );

/**
 * Text shown as one line, also in emails sent in its name: no line break or other control
 * character, with which a name could lay out lines of its own (a link of its own) in a
 * plain-text email the service sends.
 */
export const oneLine = (text: string): boolean => !/\p{Cc}/u.test(text);
export const ONE_LINE = 'must be one line, without line breaks';

export const clinicNameSchema = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(120, 'must be at most 120 characters')
  .refine(oneLine, ONE_LINE);
