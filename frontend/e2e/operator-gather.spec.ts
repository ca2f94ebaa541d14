import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { enrollAgent, fileNotice, gatherAddress, type EnrolledAgent } from './support/gather-agent';
import { artifacts, expectReachable, requireEnv, signInAsAdministrator } from './support/env';

// Signs the administrator in with TOTP (a project depending on admin-mfa in
// playwright.config.ts). The server has no gather node yet. The spec creates
// an enrollment token in Administration, then enrolls an agent with it over
// the gather protocol (support/gather-agent.ts) when it finds the gather
// listener's address, and checks the node, its map marker, the patch levels
// and the import queue.

test('an administrator creates an enrollment token; the enrolled node shows with its map marker, patch levels and imports', async ({
  page,
  request,
}) => {
  // A wait for a new TOTP step on top of the flow.
  test.setTimeout(150_000);
  const env = requireEnv(['E2E_EMAIL', 'E2E_PASSWORD']);
  await expectReachable(request, env.baseUrl);
  mkdirSync(artifacts, { recursive: true });
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const hostname = `e2e-db-${run}.example.internal`;
  const address = gatherAddress();

  await test.step('sign in as the administrator', async () => {
    await signInAsAdministrator(page, env);
  });

  await test.step('Gather nodes: none has enrolled yet, and the empty state leads to enrollment', async () => {
    await openOperatorSection(page, 'Gather nodes');
    await expect(page).toHaveURL(/\/operator\/gather$/);
    await expect(page.getByText('No gather node has enrolled yet.')).toBeVisible();
    await page.getByRole('link', { name: 'Create an enrollment token' }).click();
    await expect(page).toHaveURL(/\/admin\/gather$/);
  });

  let token = '';
  let caPem = '';

  await test.step('Administration: create a token, shown once with the CA fingerprint and a gather.yaml', async () => {
    await expect(page.getByRole('heading', { name: 'Gather enrollment', level: 2 })).toBeVisible();
    await page.getByRole('textbox', { name: 'Name' }).fill(`e2e ${run}`);
    await page.getByRole('combobox', { name: 'Valid for' }).selectOption({ label: '1 hour' });
    await page.getByRole('button', { name: 'Create enrollment token' }).click();

    await expect(page.getByRole('heading', { name: `Enrollment token “e2e ${run}” created` })).toBeVisible();
    await expect(page.getByRole('note')).toContainText('This is the only time the token is shown.');
    token = await page.getByRole('textbox', { name: 'Enrollment token' }).inputValue();
    expect(token.length).toBeGreaterThan(20);
    const fingerprint = await page.getByRole('textbox', { name: 'CA fingerprint (sha256)' }).inputValue();
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const port = address ? address.slice(address.lastIndexOf(':') + 1) : '8443';
    await page.getByRole('spinbutton', { name: 'Gather listener port' }).fill(port);
    const yaml = page.getByLabel('gather.yaml', { exact: true });
    const host = new URL(env.baseUrl).hostname;
    await expect(yaml).toContainText(`url: https://${host}:${port}`);
    await expect(yaml).toContainText(`token: ${token}`);
    await expect(yaml).toContainText(`ca_fingerprint: ${fingerprint}`);
    await expect(page.getByRole('button', { name: 'Copy gather.yaml' })).toBeVisible();
    await page.screenshot({ path: path.join(artifacts, 'gather-enroll.png'), fullPage: true });

    await page.getByText('CA certificate (PEM)').click();
    caPem = await page.getByLabel('ca.pem', { exact: true }).innerText();
    expect(caPem).toContain('-----BEGIN CERTIFICATE-----');
    await page.getByRole('button', { name: 'Done — forget the token' }).click();
    await expect(page.getByRole('textbox', { name: 'Enrollment token' })).toHaveCount(0);
  });

  let agent: EnrolledAgent | null = null;

  await test.step('an agent enrolls with the token, sends a heartbeat and announces two files', async () => {
    if (!address) {
      test.info().annotations.push({
        type: 'skipped',
        description: 'gather listener address not found (E2E_GATHER_ADDR or the server log): no agent enrolled',
      });
      return;
    }
    agent = await enrollAgent(address, token, caPem, hostname);
    const heartbeat = await agent.heartbeat({
      version: '0.9.0-e2e',
      hostname,
      ips: ['10.0.4.17', 'fe80::1'],
      os: 'linux/amd64 Debian GNU/Linux 12',
      databases: [
        { engine: 'postgresql', version: '15.2', name: 'orders', host: '127.0.0.1', port: 5432 },
        { engine: 'mysql', version: '5.7.44', name: 'shop', host: '127.0.0.1', port: 3306 },
      ],
      location: { lat: 50.11, lon: 8.68, label: 'Frankfurt DC2' },
      spool: { files: 2, bytes: 41_943_040 },
      collectors: [
        { name: 'pg-orders', type: 'postgres-logical', status: 'running', error: '', position: '0/16B3748' },
        {
          name: 'mysql-audit',
          type: 'file',
          status: 'retrying',
          error: 'open /var/lib/mysql/server_audit.log: permission denied',
          position: '',
        },
      ],
    });
    expect(heartbeat.status, JSON.stringify(heartbeat.body)).toBe(200);
    const now = new Date();
    const files = await agent.announce({
      files: [
        fileNotice(agent.keyPrefix, `pg-audit_${run}_000001`, 196_608, new Date(now.getTime() - 60_000)),
        fileNotice(agent.keyPrefix, `pg-audit_${run}_000002`, 12_000, now),
      ],
    });
    expect(files.status, JSON.stringify(files.body)).toBe(202);
    expect(files.body).toEqual({ accepted: 2, queued: 2 });
  });

  await test.step('Gather nodes: the node with its status, collectors, map marker and patch levels', async () => {
    await openOperatorSection(page, 'Gather nodes');
    if (!agent) {
      await expect(page.getByText('No gather node has enrolled yet.')).toBeVisible();
      await page.screenshot({ path: path.join(artifacts, 'gather-nodes.png'), fullPage: true });
      return;
    }
    const row = page.getByRole('table', { name: 'Gather nodes' }).locator('tbody tr').filter({ hasText: hostname });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('Online');
    await expect(row).toContainText(/ago|now/);
    await expect(row).toContainText('0.9.0-e2e');
    await expect(row).toContainText('10.0.4.17');
    await expect(row).toContainText('1 error: mysql-audit');

    const map = page.getByRole('region', { name: 'Where the nodes are' });
    const marker = map.getByRole('button', { name: `${hostname}, Frankfurt DC2: Online` });
    await expect(marker).toBeVisible();
    await marker.hover();
    await expect(map.getByRole('tooltip')).toContainText('Frankfurt DC2');

    const patches = page.getByRole('table', { name: 'Databases and patch levels' });
    const mysql = patches.locator('tbody tr').filter({ hasText: 'MySQL' });
    await expect(mysql).toContainText('5.7.44');
    await expect(mysql).toContainText('Unsupported');
    const postgres = patches.locator('tbody tr').filter({ hasText: 'PostgreSQL' });
    await expect(postgres).toContainText('15.2');
    await expect(postgres).toContainText('Behind');
    await expect(page.getByText(/release table bundled with the engine, as of \d{4}-\d{2}-\d{2}/)).toBeVisible();
    // The map finished drawing its countries before the picture.
    await expect(map.locator('svg path').nth(100)).toBeAttached();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(artifacts, 'gather-nodes.png'), fullPage: true });

    await row.getByRole('button', { name: `Details of ${hostname}` }).click();
    const drawer = page.getByRole('dialog', { name: hostname });
    await expect(drawer.getByRole('table', { name: `Collectors of ${hostname}` })).toContainText(
      'Error: open /var/lib/mysql/server_audit.log: permission denied',
    );
    await expect(drawer.getByText('Certificate expires')).toBeVisible();
    await expect(drawer.getByRole('button', { name: 'Revoke node…' })).toBeVisible();
    await page.screenshot({ path: path.join(artifacts, 'gather-node-drawer.png') });
    await drawer.getByRole('button', { name: 'Close' }).click();
  });

  await test.step('Imports: the announced files are queued with rows, size and time range', async () => {
    await openOperatorSection(page, 'Imports');
    await expect(page).toHaveURL(/\/operator\/imports$/);
    if (!agent) {
      await expect(page.getByText('No activity file announced yet.')).toBeVisible();
      await page.screenshot({ path: path.join(artifacts, 'gather-imports.png'), fullPage: true });
      return;
    }
    const rows = page.getByRole('table', { name: 'Import queue' }).locator('tbody tr').filter({ hasText: run });
    await expect(rows).toHaveCount(2);
    const first = rows.filter({ hasText: `pg-audit_${run}_000001.parquet` });
    await expect(first).toContainText(hostname);
    await expect(first).toContainText('196,608');
    await expect(first).toContainText('MiB');
    await expect(first).toContainText('to');
    await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Done' });
    await expect(page).toHaveURL(/status=done$/);
    await expect(rows).toHaveCount(0);
    await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Queued' });
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText('Queued');
    await page.screenshot({ path: path.join(artifacts, 'gather-imports.png'), fullPage: true });
  });

  await test.step('revoke the node after confirming: its certificate is refused from then on', async () => {
    if (!agent) return;
    const enrolled: EnrolledAgent = agent;
    await openOperatorSection(page, 'Gather nodes');
    const row = page.getByRole('table', { name: 'Gather nodes' }).locator('tbody tr').filter({ hasText: hostname });
    await row.getByRole('button', { name: `Details of ${hostname}` }).click();
    await page.getByRole('dialog', { name: hostname }).getByRole('button', { name: 'Revoke node…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke gather node?' });
    await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
    await expect(confirm).toHaveCount(0);
    const drawer = page.getByRole('dialog', { name: hostname });
    await expect(drawer).toContainText('Revoked');
    await expect(drawer.getByRole('button', { name: 'Revoke node…' })).toHaveCount(0);
    await drawer.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByText(`“${hostname}” was revoked`)).toBeVisible();
    await expect(row).toContainText('Revoked');
    const refused = await enrolled.heartbeat({ hostname });
    expect(refused.status).toBe(401);
  });
});

async function openOperatorSection(page: Page, name: string) {
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('link', { name: /Operator/ })
    .click();
  await page.getByRole('navigation', { name: 'Operator sections' }).getByRole('link', { name }).click();
}
