// Every action code the service writes to the audit log has words an owner can read:
// the source is scanned, so a new `action: '…'` without words fails here.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AUDIT_CATEGORIES, AUDIT_WORDS, actionsIn, fieldLabel, whatWasDone } from '../../src/privacy/audit-words.js';

const SRC = path.resolve('src');
const CODE = /^[a-z_]+\.[a-z_]+$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'generated' ? [] : sourceFiles(full);
    return d.name.endsWith('.ts') ? [full] : [];
  });
}

/** The keys of a typed map like EventPayloads or JobPayloads: `'call.ringing': {…}`. */
const keysOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^\s+'([a-z_]+\.[a-z_]+)':/gm)].map((m) => m[1]!);
const quoted = (text: string) => [...text.matchAll(/'([a-z_]+\.[a-z_]+)'/g)].map((m) => m[1]!);

// `action: \`appointment.${req.status}\``: the values the template can take.
const TEMPLATES: Record<string, string[]> = { appointment: ['appointment.attended', 'appointment.no_show'] };

/** Every action code written anywhere in src/, and where. */
function actionCodesInSource(): Map<string, string> {
  const notActions = new Set([
    ...keysOf(path.join(SRC, 'contracts/events.ts')),
    ...keysOf(path.join(SRC, 'jobs/kinds.ts')),
  ]);
  const found = new Map<string, string>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const where = path.relative(SRC, file);
    // `action: 'x.y'`, `action: cond ? 'x.y' : 'x.z'`, `action: 'x.y' | 'x.z'` (a parameter's type).
    for (const m of text.matchAll(/\baction\??\s*:\s*([^,;\n{}()]+)/g))
      for (const code of quoted(m[1]!)) found.set(code, where);
    for (const t of text.matchAll(/\baction\s*:\s*`([a-z_]+)\.\$\{/g)) {
      const expanded = TEMPLATES[t[1]!];
      if (!expanded)
        throw new Error(`${where}: an action made from a template (${t[0]}…): list what it can be in TEMPLATES`);
      for (const code of expanded) found.set(code, where);
    }
    // Codes handed to a helper that audits them (changeFeed(…, 'calendar_feed.changed')).
    if (/\brecordAudit(InClinics)?\(/.test(text))
      for (const code of quoted(text))
        if (!notActions.has(code) && !/\.(json|csv|zip)$/.test(code)) found.set(code, where);
  }
  return found;
}

describe('The audit log in words', () => {
  it('has words for every action code written in src/', () => {
    const codes = actionCodesInSource();
    expect(codes.size).toBeGreaterThan(40); // the scan itself works
    const missing = [...codes].filter(([code]) => !AUDIT_WORDS[code]).map(([code, where]) => `${code} (${where})`);
    expect(missing).toEqual([]);
    for (const code of codes.keys()) expect(code).toMatch(CODE);
  });

  it('puts every code in a category the filter offers, and every category has codes', () => {
    for (const [code, words] of Object.entries(AUDIT_WORDS)) {
      expect(AUDIT_CATEGORIES).toContain(words.category);
      expect(whatWasDone(code, {}, () => 'Sam Lee')).toMatch(/^[a-z]/);
    }
    for (const category of AUDIT_CATEGORIES) expect(actionsIn(category).length).toBeGreaterThan(0);
  });

  it('says what changed by the screens’ labels, never the values', () => {
    const nameOf = (id: string) => (id === 'u1' ? 'Sam Lee' : 'a former member of staff');
    expect(whatWasDone('clinic.settings_changed', { fields: ['receptionNumber', 'timeZone'] }, nameOf)).toBe(
      'changed settings: Reception desk phone, Time zone',
    );
    expect(whatWasDone('patient.updated', { fields: ['otherPhones', 'phone'] }, nameOf)).toBe(
      "changed a patient's details: Phone numbers",
    );
    expect(fieldLabel('somethingNew')).toBe('Something new');
    expect(whatWasDone('callback.assigned', { assignedTo: 'u1' }, nameOf)).toBe('gave a call-back to Sam Lee');
    expect(whatWasDone('session.signed_in', null, nameOf, 12)).toBe('signed in 12 times');
    expect(whatWasDone('appointment.cancelled', null, nameOf)).toBe('cancelled an appointment');
    expect(whatWasDone('patient.erased', { appointments: 2, calls: 1, recordings: 0 }, nameOf)).toBe(
      'erased a patient, with 2 appointments, 1 call',
    );
    // The purge that once read "· held 0 · …".
    expect(
      whatWasDone(
        'retention.purged',
        { held: 0, calls: 3, texts: 0, voicemails: 1, auditEntries: 0, retryAtTwilio: 0, callRecordings: 2 },
        nameOf,
      ),
    ).toBe('deleted what its retention periods had ended: 2 call recordings, 1 voicemail, 3 calls');
    expect(whatWasDone('retention.purged', { held: 1, calls: 0 }, nameOf)).toBe(
      'found nothing past its retention periods; kept 1 recording on legal hold',
    );
    expect(whatWasDone('some.unknown_code', null, nameOf)).toBe('some.unknown_code');
  });
});
