import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { artifacts, expectReachable, requireEnv, signInAsAdministrator } from './support/env';
import { sendHecEvents, sendHecRaw } from './support/hec';

// Runs after admin-mfa (playwright.config.ts): the administrator signs in
// with a TOTP code of a later step than any used before. Sends events over
// HEC, waits for them in the Management overview's Gold figures, then edits
// the data retention policy with its preview.

test('the Management overview charts Gold metrics, and retention can be previewed and saved', async ({
  page,
  request,
}) => {
  // A wait for a new TOTP step, and the refine stage, on top of the flow.
  test.setTimeout(180_000);
  const env = requireEnv(['E2E_EMAIL', 'E2E_PASSWORD', 'E2E_HEC_TOKEN']);
  await expectReachable(request, env.baseUrl);
  mkdirSync(artifacts, { recursive: true });
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const now = Math.floor(Date.now() / 1000);

  await test.step('send events of several severities, users and sources', async () => {
    const users = [`dana.${run}`, `eli.${run}`, `fay.${run}`];
    const severities = ['critical', 'high', 'medium', 'low', 'info'];
    await sendHecEvents(
      request,
      env.baseUrl,
      env.E2E_HEC_TOKEN,
      Array.from({ length: 15 }, (_, i) => ({
        time: now - 60 * i,
        host: `host-${i % 3}`,
        sourcetype: 'e2e:overview',
        event: {
          message: `overview ${run} event ${i}`,
          user: users[i % users.length],
          src_ip: `198.51.100.${10 + (i % 4)}`,
          dst_ip: '10.30.0.1',
          severity: severities[i % severities.length],
        },
      })),
    );
    await sendHecRaw(
      request,
      env.baseUrl,
      env.E2E_HEC_TOKEN,
      [`CEF:0|Acme|Edge Firewall|4.2|100|overview ${run} blocked|9|src=192.0.2.80 dst=10.30.0.2 suser=dana.${run}`],
      { sourcetype: 'cef', host: 'fw-01' },
    );
  });

  await test.step('sign in as the administrator and open the overview', async () => {
    await signInAsAdministrator(page, env);
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('link', { name: /Management/ })
      .click();
    await expect(page).toHaveURL(/\/management$/);
    await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
    await page.getByRole('radio', { name: '24 hours' }).click();
    await expect(page.getByRole('radio', { name: '24 hours' })).toBeChecked();
    await expect(page).toHaveURL(/period=24h/);
  });

  await test.step('the figures count the events, and the charts draw them', async () => {
    const totals = page.getByLabel('Totals in the last 24 hours');
    await expect(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      expect(await kpi(page, 'Events')).toBeGreaterThanOrEqual(16);
    }).toPass({ timeout: 60_000, intervals: [1_000, 2_000, 3_000] });
    await expect(totals).toBeVisible();

    const events = page.getByRole('figure', { name: 'Events per hour by severity' });
    await expect(events.getByRole('img', { name: /^Events per hour: [\d,]+ in total/ })).toBeVisible();
    await expect(events.locator('svg path').first()).toBeAttached();
    await expect(page.getByRole('figure', { name: 'Top users' }).getByRole('img')).toHaveAccessibleName(
      new RegExp(`dana\\.${run}`),
    );
    await expect(page.getByRole('figure', { name: 'Events by class' }).getByRole('img')).toBeVisible();
    await expect(page.getByRole('figure', { name: 'Top talkers (source IPs)' }).getByRole('img')).toBeVisible();
    await expect(page.getByRole('table', { name: 'Riskiest users' })).toBeVisible();
    await page.screenshot({ path: path.join(artifacts, 'overview.png'), fullPage: true });
  });

  await test.step('retention: validation, a preview of the edited values, then saving', async () => {
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('link', { name: /Administration/ })
      .click();
    await page
      .getByRole('navigation', { name: 'Administration sections' })
      .getByRole('link', { name: 'Data retention' })
      .click();
    await expect(page).toHaveURL(/\/admin\/retention$/);
    const silver = page.getByRole('textbox', { name: 'Normalized events (Silver)' });
    await expect(silver).toHaveValue(/^\d+$/);

    await silver.fill('0');
    await expect(
      page.getByText('Normalized events (Silver): enter a whole number of days from 1 to 3,650.'),
    ).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save policy' })).toBeDisabled();

    await silver.fill('400');
    await page.getByRole('textbox', { name: 'Metrics (Gold)' }).fill('3650');
    const preview = page.getByRole('table', { name: 'Retention preview' });
    await expect(preview.getByRole('row')).toHaveCount(4);
    // The preview follows the edited values.
    await expect(preview.getByRole('row', { name: /Normalized events/ })).toContainText('400 days');
    await expect(preview.getByRole('row', { name: /Metrics/ })).toContainText('3,650 days');
    const goldCutoff = await preview
      .getByRole('row', { name: /Metrics/ })
      .locator('time')
      .getAttribute('datetime');
    expect(new Date(goldCutoff ?? '').getUTCFullYear()).toBeLessThanOrEqual(new Date().getUTCFullYear() - 9);
    await expect(page.getByText(/would be deleted|no data is older than these limits/)).toBeVisible();
    await expect(page.getByRole('region', { name: /would delete now/ })).not.toHaveAttribute('aria-busy');
    await page.screenshot({ path: path.join(artifacts, 'retention.png'), fullPage: true });

    await page.getByRole('button', { name: 'Save policy' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save the retention policy?' });
    await dialog.getByRole('button', { name: 'Save policy' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Retention policy saved.' })).toBeVisible();
    await expect(silver).toHaveValue('400');
  });
});

/** The number on a KPI tile of the overview. */
async function kpi(page: Page, label: string): Promise<number> {
  const text = await page.locator(`[data-kpi="${label}"]`).innerText({ timeout: 2_000 });
  return Number(text.replace(/\D/g, ''));
}
