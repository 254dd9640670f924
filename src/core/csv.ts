// Every CSV the service writes (call log, statistics, the clinic's export). A cell a
// spreadsheet would run as a formula (=HYPERLINK(...), +, -, @, or a tab or carriage
// return first) is written as text by a leading apostrophe, as OWASP advises: a
// patient's name or a caller's number typed by anyone must not run in the owner's
// spreadsheet. Numbers stay numbers.
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r]/;

export const asSpreadsheetText = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

/** Rows under a header line (or, for a later page of the same file, without one); strings that a spreadsheet would read as formulas are made text. */
export function toCsv(rows: unknown[][], columns: string[], options: { header?: boolean } = {}): string {
  return stringify(rows, { header: options.header ?? true, columns, cast: { string: asSpreadsheetText } });
}
