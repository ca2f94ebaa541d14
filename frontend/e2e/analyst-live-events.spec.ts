import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type APIRequestContext } from '@playwright/test';

// Runs against a real Scalefield server:
//   E2E_BASE_URL   e.g. http://127.0.0.1:18080
//   E2E_EMAIL, E2E_PASSWORD   a user of the tenant
//   E2E_HEC_TOKEN  an HEC token of the same tenant
//   E2E_TENANT     optional tenant slug, for users of several tenants

const artifacts = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');

type E2EEnv = { baseUrl: string; email: string; password: string; hecToken: string; tenant: string };

function readEnv(): E2EEnv {
  const names = ['E2E_BASE_URL', 'E2E_EMAIL', 'E2E_PASSWORD', 'E2E_HEC_TOKEN'] as const;
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set. The end-to-end test needs a running Scalefield server: ` +
        'set E2E_BASE_URL (e.g. http://127.0.0.1:18080), E2E_EMAIL, E2E_PASSWORD and E2E_HEC_TOKEN.',
    );
  }
  return {
    baseUrl: process.env.E2E_BASE_URL!.replace(/\/+$/, ''),
    email: process.env.E2E_EMAIL!,
    password: process.env.E2E_PASSWORD!,
    hecToken: process.env.E2E_HEC_TOKEN!,
    tenant: process.env.E2E_TENANT ?? '',
  };
}

async function expectReachable(request: APIRequestContext, baseUrl: string) {
  try {
    await request.get(baseUrl, { timeout: 5_000, maxRedirects: 0 });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`E2E_BASE_URL ${baseUrl} is not reachable (${reason}). Is the Scalefield server running?`);
  }
}

test('an event sent to HEC appears live in the Analyst view', async ({ page, request, browserName }) => {
  expect(browserName).toBe('chromium');
  const env = readEnv();
  await expectReachable(request, env.baseUrl);
  mkdirSync(artifacts, { recursive: true });

  await test.step('sign in', async () => {
    await page.goto(env.baseUrl);
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await page.screenshot({ path: path.join(artifacts, 'login.png'), fullPage: true });

    await page.getByLabel('Email').fill(env.email);
    await page.getByLabel('Password').fill(env.password);
    if (env.tenant) {
      await page.getByText('Sign in to a specific tenant').click();
      await page.getByLabel('Tenant').fill(env.tenant);
    }
    await page.getByRole('button', { name: 'Sign in' }).click();

    await expect(page).toHaveURL(/\/analyst$/);
    await expect(page.getByRole('heading', { name: 'Events' })).toBeVisible();
  });

  await test.step('wait for the live stream', async () => {
    await expect(page.getByRole('status', { name: 'Live updates' })).toHaveText('Live');
  });

  // A value set on window survives only as long as the page is not reloaded.
  await page.evaluate(() => Object.assign(window, { e2eNotReloaded: true }));
  const marker = `e2e live event ${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

  await test.step('send an event to HEC', async () => {
    const response = await request.post(`${env.baseUrl}/services/collector/event`, {
      headers: { Authorization: `Splunk ${env.hecToken}`, 'Content-Type': 'application/json' },
      data: JSON.stringify({
        event: { message: marker, user: 'alice', src_ip: '203.0.113.7', severity: 'high' },
        host: 'web-01',
        sourcetype: 'e2e:test',
      }),
    });
    expect(response.status(), await response.text()).toBe(200);
    expect(await response.json()).toEqual({ text: 'Success', code: 0 });
  });

  await test.step('see it arrive without reloading', async () => {
    const row = page.getByRole('table', { name: 'Events' }).getByRole('row').filter({ hasText: marker });
    await expect(row).toBeVisible({ timeout: 15_000 });
    await expect(row).toContainText('web-01');
    await expect(row).toContainText('e2e:test');
    await expect(row).toContainText('alice');
    await expect(row).toContainText('203.0.113.7');
    await expect(row).toContainText('High');
    expect(await page.evaluate(() => 'e2eNotReloaded' in window)).toBe(true);
    await page.screenshot({ path: path.join(artifacts, 'analyst-live-event.png'), fullPage: true });
  });
});
