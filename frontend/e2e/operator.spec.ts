import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { artifacts, expectReachable, requireEnv, signInAsAdministrator } from './support/env';

// Runs last (a project depending on admin-api-key and analyst in
// playwright.config.ts): the administrator signs in with a TOTP code of a
// later step than admin-api-key used. Needs E2E_HEC_TOKEN, the token of the
// HEC source named "demo" (scripts/e2e.sh).

// A valid HEC envelope whose content the refine stage cannot normalize.
const UNREFINABLE = { event: { message: 'bad ip', src_ip: '999.1.1.1' } };
const REASON = 'is not an IP address';

test('the Operator view shows sources, what arrived, and the quarantine; a reprocessed record that still fails comes back', async ({
  page,
  request,
}) => {
  // A wait for a new TOTP step, and the refine stage, on top of the flow.
  test.setTimeout(180_000);
  const env = requireEnv(['E2E_EMAIL', 'E2E_PASSWORD', 'E2E_HEC_TOKEN']);
  await expectReachable(request, env.baseUrl);
  mkdirSync(artifacts, { recursive: true });
  const marker = `e2e operator event ${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

  await test.step('send one good event and one that cannot be normalized', async () => {
    await sendHec(request, env.baseUrl, env.E2E_HEC_TOKEN, {
      event: { message: marker, user: 'alice', src_ip: '203.0.113.7', severity: 'low' },
      host: 'web-01',
      sourcetype: 'e2e:operator',
    });
    await sendHec(request, env.baseUrl, env.E2E_HEC_TOKEN, UNREFINABLE);
  });

  await test.step('sign in as the administrator', async () => {
    await signInAsAdministrator(page, env);
  });

  await test.step('Sources: "demo" was seen just now, and the period counts the events', async () => {
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('link', { name: /Operator/ })
      .click();
    await expect(page).toHaveURL(/\/operator\/sources$/);
    await expect(page.getByRole('heading', { name: 'Sources', level: 2 })).toBeVisible();
    await page.getByRole('radio', { name: '15 min' }).check();
    const summary = page.getByRole('region', { name: 'Ingest in the last 15 minutes' });

    const demo = page
      .getByRole('table', { name: 'Sources', exact: true })
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'demo', exact: true }) })
      // Other specs also send raw lines with the same token: a source of its own ("HEC raw").
      .filter({ has: page.getByRole('cell', { name: 'HEC', exact: true }) });
    // Ingest statistics are counted as batches commit: refresh until both events are in.
    await expect(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect(demo).toHaveCount(1, { timeout: 2_000 });
      expect(await tileValue(summary, 'Events')).toBeGreaterThanOrEqual(2);
      expect(await tileValue(summary, 'Quarantined')).toBeGreaterThanOrEqual(1);
    }).toPass({ timeout: 45_000, intervals: [1_000, 2_000, 3_000] });

    await expect(demo).toContainText('HEC');
    await expect(demo).toContainText('Live');
    const lastSeen = await demo.locator('time').nth(1).getAttribute('datetime');
    expect(Date.now() - Date.parse(lastSeen ?? '')).toBeLessThan(5 * 60_000);
    await expect(demo.locator('time').nth(1)).toHaveText(/ago|now/);

    const breakdown = summary.getByRole('table', { name: 'Sources in the last 15 minutes' });
    const demoInPeriod = breakdown
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'demo', exact: true }) })
      .filter({ has: page.getByRole('cell', { name: 'HEC', exact: true }) });
    expect(Number((await demoInPeriod.getByRole('cell').nth(2).innerText()).replace(/\D/g, ''))).toBeGreaterThanOrEqual(
      2,
    );
    await expect(summary.getByRole('img', { name: /^Events per minute from .+ events? in total/ })).toBeVisible();
    await page.screenshot({ path: path.join(artifacts, 'operator-sources.png'), fullPage: true });
  });

  let bronzeId = '';
  let firstQuarantinedAt = '';

  await test.step('Quarantine: the record is there with its reason and its payload', async () => {
    await page.getByRole('navigation', { name: 'Operator sections' }).getByRole('link', { name: 'Quarantine' }).click();
    await expect(page).toHaveURL(/\/operator\/quarantine$/);
    const row = quarantinedRows(page).first();
    await expect(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect(row).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await expect(row).toContainText('HEC');
    await expect(row).toContainText('refine');
    firstQuarantinedAt = (await row.locator('time').getAttribute('datetime')) ?? '';

    await row.getByRole('button', { name: /^Show the payload/ }).click();
    const details = await openDetails(page, row);
    const payload = details.locator('pre');
    await expect(payload).toBeVisible();
    await expect(payload).toContainText('999.1.1.1');
    await expect(payload).toContainText('bad ip');
    await expect(details.getByRole('button', { name: 'Copy payload' })).toBeVisible();
    bronzeId = await bronzeIdIn(details);
    expect(bronzeId).not.toBe('');
    await page.screenshot({ path: path.join(artifacts, 'operator-quarantine.png'), fullPage: true });
  });

  await test.step('reprocess it: one queued, and it comes back with the same reason', async () => {
    // Records of earlier runs against the same server may be there too; only this one is reprocessed.
    const before = await quarantinedRows(page).count();
    const row = quarantinedRows(page).first();
    await row.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Reprocess selected (1)' }).click();
    const confirm = page.getByRole('dialog', { name: 'Reprocess 1 record?' });
    await expect(confirm).toContainText('those that still fail come back with the new reason');
    await confirm.getByRole('button', { name: 'Reprocess', exact: true }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: 'queued for reprocessing' })).toHaveText(
      /^1 record queued for reprocessing\./,
    );

    // The parser was not fixed: the record is refined again and quarantined
    // again, with the same reason and a later quarantine time, once.
    const back = quarantinedRows(page).first();
    await expect(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect(back).toBeVisible({ timeout: 2_000 });
      const at = (await back.locator('time').getAttribute('datetime')) ?? '';
      expect(Date.parse(at)).toBeGreaterThan(Date.parse(firstQuarantinedAt));
    }).toPass({ timeout: 45_000, intervals: [1_000, 2_000, 3_000] });
    await expect(quarantinedRows(page)).toHaveCount(before);
    await back.getByRole('button', { name: /^Show the payload/ }).click();
    expect(await bronzeIdIn(await openDetails(page, back))).toBe(bronzeId);
  });
});

async function sendHec(request: APIRequestContext, baseUrl: string, token: string, body: unknown) {
  const response = await request.post(`${baseUrl}/services/collector/event`, {
    headers: { Authorization: `Splunk ${token}`, 'Content-Type': 'application/json' },
    data: JSON.stringify(body),
  });
  expect(response.status(), await response.text()).toBe(200);
  expect(await response.json()).toEqual({ text: 'Success', code: 0 });
}

/** The number of a tile of the ingest summary ("Events", "Quarantined"). */
async function tileValue(summary: Locator, term: string): Promise<number> {
  const text = await summary.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]').innerText();
  return Number(text.replace(/\D/g, ''));
}

function quarantinedRows(page: Page): Locator {
  return page
    .getByRole('table', { name: 'Quarantined records' })
    .locator('tr[data-quarantine-id]')
    .filter({ hasText: REASON });
}

/** The details row a row's payload button opens. */
async function openDetails(page: Page, row: Locator): Promise<Locator> {
  const toggle = row.getByRole('button', { name: /the payload of the record/ });
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const id = await toggle.getAttribute('aria-controls');
  return page.locator(`[id="${id}"]`);
}

async function bronzeIdIn(details: Locator): Promise<string> {
  return (
    await details.locator('dt', { hasText: 'Bronze id' }).locator('xpath=following-sibling::dd[1]').innerText()
  ).trim();
}
