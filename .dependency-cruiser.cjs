// The direction the code depends in, checked by `npm test` (scripts/check-structure.mjs).
// README's "Architecture" section explains the layers; a rule here fails the build when
// an import goes the wrong way or closes a cycle.
const CORE = '^src/(core|contracts|db|jobs|twilio|mail|generated)/';
const DOMAIN = '^src/(clinics|accounts|diary|texts|calls|recordings|statistics|privacy|demo)/';
const PHONE_LINE = '^src/(understanding|voice|reception|telephony)/';
const EDGES = '^src/(http|routes|live|metrics|simulator|twilio-standin|types)/|^src/[^/]+\\.ts$';
const ROOT = '^src/main/';

/** A rule: nothing in `from` may import anything in `to`. */
const never = (name, comment, from, to) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: to },
});

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'No module may reach itself again through what it imports at run time.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-folder-cycle',
      comment: 'No folder may reach itself again through what its files import.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'contracts-import-nothing',
      comment:
        'src/contracts holds the types the dashboard shares: the dashboard compiles them, so they can lean on nothing else.',
      severity: 'error',
      from: { path: '^src/contracts/' },
      to: { pathNot: '^src/contracts/' },
    },
    never(
      'core-imports-no-feature',
      'The core (config, database, jobs runner, events, audit, Twilio client) is what every feature stands on.',
      CORE,
      `${DOMAIN}|${PHONE_LINE}|${EDGES}|${ROOT}`,
    ),
    never(
      'domain-imports-no-phone-line-or-edge',
      "The clinic's features (diary, texts, recordings …) know nothing of the phone line, HTTP, the live hub or the wiring.",
      DOMAIN,
      `${PHONE_LINE}|${EDGES}|${ROOT}`,
    ),
    never(
      'phone-line-imports-no-edge',
      'The phone line answers calls; the Twilio webhooks that carry them are an edge above it.',
      PHONE_LINE,
      `${EDGES}|${ROOT}`,
    ),
    {
      name: 'understanding-is-pure',
      comment:
        'What callers say is understood by pure rules: src/understanding imports only itself (and libraries such as luxon), so it can be tested, and timed, without a database.',
      severity: 'error',
      from: { path: '^src/understanding/' },
      to: { path: '^src/', pathNot: '^src/understanding/' },
    },
    {
      name: 'only-the-edge-starts-the-wiring',
      comment:
        'The composition root builds the context and registers the jobs; only the process entry points use it at run time (edges may name its type).',
      severity: 'error',
      from: { pathNot: '^src/(start|server|cli)\\.ts$|^src/main/' },
      to: { path: ROOT, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
