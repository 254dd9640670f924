// Which real services this run has. A suite that needs one it lacks is skipped
// with its name saying why; under CI (which provides them all) it fails instead.

export const postgresUrl = process.env.TEST_DATABASE_URL;
export const redisUrl = process.env.TEST_REDIS_URL;
export const browserPath = process.env.TEST_BROWSER;

type Need = { variable: string; value: string | undefined; what: string };

export const needs = {
  postgres: { variable: 'TEST_DATABASE_URL', value: postgresUrl, what: 'PostgreSQL' },
  redis: { variable: 'TEST_REDIS_URL', value: redisUrl, what: 'Redis' },
  browser: { variable: 'TEST_BROWSER', value: browserPath, what: 'a browser (path to chromium)' },
  postgresAndRedis: {
    variable: 'TEST_DATABASE_URL and TEST_REDIS_URL',
    value: postgresUrl && redisUrl,
    what: 'PostgreSQL and Redis',
  },
} satisfies Record<string, Need>;

/** describe() when the service is configured; otherwise a skipped suite whose name says what to set. */
export function describeWith(need: Need, name: string, body: () => void): void {
  if (need.value) return describe(name, body);
  if (process.env.CI) {
    describe(name, () => {
      it(`needs ${need.what}`, () => {
        throw new Error(`${need.variable} is not set: CI must provide ${need.what}`);
      });
    });
    return;
  }
  // A todo line keeps the reason visible in the run's output, even when the whole file is skipped.
  describe(name, () => it.todo(`skipped: needs ${need.what}; set ${need.variable}`));
  describe.skip(`${name} [skipped: needs ${need.what}; set ${need.variable}]`, body);
}

/** The database kinds integration tests run on: always the embedded one, PostgreSQL when configured. */
export const databaseKinds = (): Array<'embedded' | 'postgres'> =>
  postgresUrl ? ['embedded', 'postgres'] : ['embedded'];
