import { defineConfig } from '@playwright/test';

// Browsers cannot be downloaded here: the tests drive the system Chromium.
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// The spec files run one at a time in a fixed order. Playwright runs the
// projects without dependencies first, in the order listed (admin-mfa, then
// analyst), then admin-api-key, then operator: admin-mfa enrols the
// administrator's authenticator and leaves its secret in e2e/.state/ for
// admin-api-key, which therefore depends on it (and is skipped if it fails).
// The analyst test needs neither. operator signs the administrator in again
// with a TOTP code of a later step than admin-api-key used, and runs after
// analyst: it depends on both (and is skipped if either fails).
// analyst-explorer signs the analyst in and needs nothing else.
// management-overview signs the administrator in with TOTP as well: it
// depends on admin-mfa only (runs beside admin-api-key, before operator),
// and records its step in e2e/.state/ like the others. operator-gather does
// the same (depends on admin-mfa only) and needs a server without gather
// nodes: it enrolls one through the gather listener, whose free port it reads
// from the server log (support/gather-agent.ts). account-password changes the
// analyst's password for good, so it runs after the specs that sign the
// analyst in.
export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  outputDir: 'test-results',
  reporter: 'list',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  retries: 0,
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  projects: [
    { name: 'admin-mfa', testMatch: 'admin-mfa.spec.ts' },
    { name: 'admin-api-key', testMatch: 'admin-api-key.spec.ts', dependencies: ['admin-mfa'] },
    { name: 'analyst', testMatch: 'analyst-live-events.spec.ts' },
    { name: 'analyst-explorer', testMatch: 'analyst-explorer.spec.ts' },
    { name: 'operator', testMatch: 'operator.spec.ts', dependencies: ['admin-api-key', 'analyst'] },
    { name: 'management-overview', testMatch: 'management-overview.spec.ts', dependencies: ['admin-mfa'] },
    { name: 'operator-gather', testMatch: 'operator-gather.spec.ts', dependencies: ['admin-mfa'] },
    {
      name: 'account-password',
      testMatch: 'account-password.spec.ts',
      dependencies: ['analyst', 'analyst-explorer'],
    },
  ],
  use: {
    baseURL: process.env.E2E_BASE_URL,
    headless: true,
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
