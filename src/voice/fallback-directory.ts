import type { ClinicView } from '../clinics/clinics.js';

export interface FallbackEntry {
  clinicName: string;
  locale: string;
  fallbackNumber: string | null;
}

/**
 * What Twilio's fallback URL needs when the database is down: each clinic
 * number's fallback, kept in this process's memory from clinic settings it has
 * read. Losing it only loses the forward; the spoken apology needs nothing.
 */
export class FallbackDirectory {
  private readonly byNumber = new Map<string, FallbackEntry>();

  remember(clinic: Pick<ClinicView, 'name' | 'locale' | 'fallbackNumber' | 'numbers'>): void {
    for (const number of clinic.numbers) {
      this.byNumber.set(number, {
        clinicName: clinic.name,
        locale: clinic.locale,
        fallbackNumber: clinic.fallbackNumber,
      });
    }
  }

  rememberNumber(number: string, entry: FallbackEntry): void {
    this.byNumber.set(number, entry);
  }

  /** A closed clinic's numbers are no longer forwarded. */
  forget(numbers: string[]): void {
    for (const number of numbers) this.byNumber.delete(number);
  }

  lookup(dialled: string | undefined): FallbackEntry | undefined {
    return dialled ? this.byNumber.get(dialled) : undefined;
  }
}
