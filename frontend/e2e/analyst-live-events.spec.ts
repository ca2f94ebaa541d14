import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { artifacts, expectReachable, requireEnv, submitPassword } from './support/env';

// Runs against a real Scalefield server:
//   E2E_BASE_URL   e.g. http://127.0.0.1:18080
//   E2E_ANALYST_EMAIL, E2E_ANALYST_PASSWORD   a non-admin user of the tenant, without MFA
//   E2E_HEC_TOKEN  an HEC token of the same tenant
//   E2E_TENANT     optional tenant slug, for users of several tenants

test('an event sent to HEC appears live in the Analyst view', async ({ page, request, browserName }) => {
  expect(browserName).toBe('chromium');
  const env = requireEnv(['E2E_ANALYST_EMAIL', 'E2E_ANALYST_PASSWORD', 'E2E_HEC_TOKEN']);
  await expectReachable(request, env.baseUrl);
  mkdirSync(artifacts, { recursive: true });

  await test.step('sign in', async () => {
    await page.goto(env.baseUrl);
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { name: 'Sign in', exact: true })).toBeVisible();
    await page.screenshot({ path: path.join(artifacts, 'login.png'), fullPage: true });

    await submitPassword(page, env.E2E_ANALYST_EMAIL, env.E2E_ANALYST_PASSWORD);

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
      headers: { Authorization: `Splunk ${env.E2E_HEC_TOKEN}`, 'Content-Type': 'application/json' },
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
