import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { artifacts, expectReachable, requireEnv, submitPassword } from './support/env';
import { sendHecEvents, sendHecRaw } from './support/hec';

// Runs against a real Scalefield server (scripts/e2e.sh): the analyst sends
// a known set of events over HEC (JSON with addresses and users, one exact
// duplicate, a CEF line), finds them in the explorer, filters by CIDR and by
// a facet, and opens the duplicate and the CEF event in the drawer.

test('the explorer finds, filters and opens events sent over HEC', async ({ page, request }) => {
  test.setTimeout(150_000);
  const env = requireEnv(['E2E_ANALYST_EMAIL', 'E2E_ANALYST_PASSWORD', 'E2E_HEC_TOKEN']);
  await expectReachable(request, env.baseUrl);
  mkdirSync(artifacts, { recursive: true });
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const marker = `xplr-${run}`;
  const alice = `alice.${run}`;
  const bob = `bob.${run}`;
  const now = Math.floor(Date.now() / 1000);

  await test.step('send JSON events, one of them twice, and a CEF line', async () => {
    const duplicate = {
      time: now - 30,
      host: 'web-01',
      sourcetype: 'e2e:explorer',
      event: {
        message: `${marker} duplicate probe`,
        user: alice,
        src_ip: '198.51.100.23',
        dst_ip: '10.20.0.5',
        severity: 'medium',
      },
    };
    await sendHecEvents(request, env.baseUrl, env.E2E_HEC_TOKEN, [
      {
        time: now - 60,
        host: 'web-01',
        sourcetype: 'e2e:explorer',
        event: {
          message: `${marker} login failed`,
          user: alice,
          src_ip: '198.51.100.23',
          dst_ip: '10.20.0.5',
          dst_port: 22,
          severity: 'high',
        },
      },
      {
        time: now - 45,
        host: 'files-02',
        sourcetype: 'e2e:explorer',
        event: {
          message: `${marker} file upload`,
          user: bob,
          src_ip: '203.0.113.50',
          dst_ip: '10.20.0.9',
          severity: 'low',
        },
      },
      duplicate,
    ]);
    // The same event again, received separately: kept once, counted twice.
    await sendHecEvents(request, env.baseUrl, env.E2E_HEC_TOKEN, [duplicate]);
    await sendHecRaw(
      request,
      env.baseUrl,
      env.E2E_HEC_TOKEN,
      [
        `CEF:0|Acme|Edge Firewall|4.2|100|${marker} blocked connection|7|src=192.0.2.44 dst=10.20.0.7 suser=carol.${run} act=blocked`,
      ],
      { sourcetype: 'cef', host: 'fw-01' },
    );
  });

  await test.step('sign in and open the explorer', async () => {
    await page.goto(env.baseUrl);
    await submitPassword(page, env.E2E_ANALYST_EMAIL, env.E2E_ANALYST_PASSWORD);
    await expect(page).toHaveURL(/\/analyst$/);
    await page.getByRole('navigation', { name: 'Analyst sections' }).getByRole('link', { name: 'Explorer' }).click();
    await expect(page).toHaveURL(/\/analyst\/explorer$/);
    await expect(page.getByRole('heading', { name: 'Event explorer' })).toBeVisible();
  });

  const rows = page.getByRole('table', { name: 'Matching events' }).locator('tbody tr');
  const row = (text: string) => rows.filter({ hasText: text });

  await test.step('search for the run and wait until every event is refined', async () => {
    await page.getByLabel('Time range').selectOption({ label: 'Last hour' });
    await page.getByRole('searchbox', { name: 'Words in message' }).fill(marker);
    await page.getByRole('searchbox', { name: 'Words in message' }).press('Enter');
    await expect(page).toHaveURL(new RegExp(`q=${marker}`));
    // Refined in batches: ask again until the four distinct events are there and the copy is counted.
    await expect(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect(rows).toHaveCount(4, { timeout: 2_000 });
      await expect(row('duplicate probe')).toContainText('×2', { timeout: 1_000 });
    }).toPass({ timeout: 60_000, intervals: [1_000, 2_000] });
    await expect(page.getByText('4 events', { exact: true })).toBeVisible();
    await expect(row('login failed')).toContainText('198.51.100.23');
    await expect(row('login failed')).toContainText(alice);
    await expect(row('login failed')).toContainText('High');
    await expect(row('blocked connection')).toContainText('192.0.2.44');
    await page.screenshot({ path: path.join(artifacts, 'explorer.png'), fullPage: true });
  });

  await test.step('an invalid CIDR is explained; a valid one narrows the events', async () => {
    const ip = page.getByRole('textbox', { name: 'IP or CIDR' });
    await ip.fill('198.51.100.0/40');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByRole('search', { name: 'Filter events' }).getByRole('alert')).toContainText(
      'must be a number from 0 to 32',
    );
    await expect(ip).toHaveAttribute('aria-invalid', 'true');

    await ip.fill('198.51.100.0/24');
    await ip.press('Enter');
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: bob })).toHaveCount(0);
    await page.getByRole('button', { name: 'Remove filter IP: 198.51.100.0/24' }).click();
    await expect(rows).toHaveCount(4);
  });

  await test.step('the drawer shows the duplicate with its copies and raw record', async () => {
    const drawer = await openDrawer(page, row('duplicate probe'));
    await expect(drawer.getByRole('region', { name: 'Deduplication' })).toContainText('Copies received2');
    await expect(drawer.getByRole('region', { name: 'Actor' })).toContainText(alice);
    await expect(drawer.getByRole('region', { name: 'Endpoints' })).toContainText('198.51.100.23');
    const raw = drawer.getByLabel('Raw payload');
    await expect(raw).toContainText(`${marker} duplicate probe`);
    // JSON is shown indented.
    expect(await raw.textContent()).toMatch(/\n {2}"/);
    await expect(drawer.getByRole('button', { name: 'Copy raw' })).toBeVisible();
    // The copies and the raw record, at the top of the panel.
    await drawer.getByRole('region', { name: 'Quality' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: path.join(artifacts, 'explorer-drawer.png') });
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
  });

  await test.step('the CEF event keeps its line as received', async () => {
    const drawer = await openDrawer(page, row('blocked connection'));
    await expect(drawer.getByLabel('Raw payload')).toContainText(`CEF:0|Acme|Edge Firewall|4.2|100|${marker}`);
    await expect(drawer.getByRole('region', { name: 'Deduplication' })).toContainText('Copies received1');
    await drawer.getByRole('button', { name: 'Close' }).click();
    await expect(drawer).toBeHidden();
  });

  await test.step('a facet value becomes a filter', async () => {
    const facets = page.getByRole('complementary', { name: 'Facets' });
    const bobFacet = facets.getByRole('button', { name: `Filter by user ${bob}` });
    await expect(bobFacet).toBeVisible();
    await bobFacet.click();
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('file upload');
    await expect(page).toHaveURL(new RegExp(`user=${bob.replace('.', '\\.')}`));
    await page.getByRole('button', { name: `Remove filter User: ${bob}` }).click();
    await expect(rows).toHaveCount(4);
  });
});

async function openDrawer(page: Page, row: Locator): Promise<Locator> {
  await row.getByRole('button').first().click();
  const drawer = page.getByRole('dialog', { name: 'Event details' });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole('region', { name: 'Raw (Bronze)' })).toBeVisible();
  return drawer;
}
