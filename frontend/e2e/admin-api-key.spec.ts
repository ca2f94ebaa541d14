import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { artifacts, expectReachable, requireEnv, signInAsAdministrator } from './support/env';

// Runs after admin-mfa.spec.ts (a project dependency in playwright.config.ts):
// it signs in with the password and a TOTP code from the secret that test
// enrolled. A stored browser state would not do: the session lives in
// sessionStorage, which Playwright's storageState does not keep, and signing
// in again also exercises the MFA step once more.

test('an API key created in the UI works until it is revoked', async ({ page, request }) => {
  test.setTimeout(120_000);
  const env = requireEnv(['E2E_EMAIL', 'E2E_PASSWORD']);
  await expectReachable(request, env.baseUrl);
  mkdirSync(artifacts, { recursive: true });
  const keyName = `e2e key ${Date.now().toString(36)}`;
  let secret = '';
  let tenantName = '';

  await test.step('sign in with the password and a fresh TOTP code', async () => {
    await signInAsAdministrator(page, env);
    tenantName = await page.evaluate(() => {
      const stored = JSON.parse(window.sessionStorage.getItem('scalefield.session') ?? '{}') as {
        tenant?: { name?: string };
      };
      return stored.tenant?.name ?? '';
    });
    expect(tenantName).not.toBe('');
  });

  await test.step('create an API key and read its secret, shown once', async () => {
    await openAdminSection(page, 'API keys');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const form = page.getByRole('dialog', { name: 'Create API key' });
    await form.getByRole('textbox', { name: 'Name' }).fill(keyName);
    await form.getByRole('combobox', { name: 'Role' }).selectOption('ANALYST');
    await form.getByRole('button', { name: 'Create API key' }).click();

    const created = page.getByRole('dialog', { name: 'API key created' });
    await expect(created).toBeVisible();
    secret = await created.getByRole('textbox', { name: 'API key' }).inputValue();
    expect(secret.length).toBeGreaterThan(16);
    await expect(created.getByText(`Authorization: Bearer ${secret}`)).toBeVisible();
    await page.screenshot({ path: path.join(artifacts, 'api-key-created.png'), fullPage: true });
    await created.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByText(secret)).toHaveCount(0);
    await expect(keyRow(page, keyName)).toContainText('Active');
  });

  await test.step('call the API with the key', async () => {
    const body = await queryTenant(request, env.baseUrl, secret);
    expect(body, JSON.stringify(body)).toMatchObject({ data: { tenant: { name: tenantName } } });
  });

  await test.step('revoke the key in the UI', async () => {
    await keyRow(page, keyName)
      .getByRole('button', { name: `Revoke ${keyName}` })
      .click();
    const confirm = page.getByRole('dialog', { name: 'Revoke API key?' });
    await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(keyRow(page, keyName)).toContainText('Revoked');
  });

  await test.step('the same call is refused now', async () => {
    const body = await queryTenant(request, env.baseUrl, secret);
    expect(body.data?.tenant ?? null, JSON.stringify(body)).toBeNull();
    expect(body.errors?.[0]?.extensions?.code, JSON.stringify(body)).toBe('UNAUTHENTICATED');
  });

  await test.step('users and the audit log', async () => {
    await openAdminSection(page, 'Users & roles');
    const users = page.getByRole('table', { name: 'Users' });
    await expect(users).toContainText(env.E2E_EMAIL);
    await page.screenshot({ path: path.join(artifacts, 'admin-users.png'), fullPage: true });

    await openAdminSection(page, 'Audit log');
    const log = page.getByRole('table', { name: 'Audit log' });
    await expect(log).toBeVisible();
    for (const action of ['auth.login', 'mfa.enrolled', 'mfa.verified', 'apikey.created', 'apikey.revoked']) {
      await expect(log, `audit log shows ${action}`).toContainText(action);
    }
    await page.screenshot({ path: path.join(artifacts, 'audit-log.png'), fullPage: true });
  });
});

async function openAdminSection(page: Page, tab: string) {
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('link', { name: /Administration/ })
    .click();
  await page.getByRole('navigation', { name: 'Administration sections' }).getByRole('link', { name: tab }).click();
  await expect(page.getByRole('heading', { name: tab, level: 2 })).toBeVisible();
}

function keyRow(page: Page, name: string) {
  return page.getByRole('table', { name: 'API keys' }).getByRole('row').filter({ hasText: name });
}

type GraphqlBody = {
  data?: { tenant?: { name: string } | null } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
};

async function queryTenant(request: APIRequestContext, baseUrl: string, secret: string): Promise<GraphqlBody> {
  const response = await request.post(`${baseUrl}/graphql`, {
    headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
    data: { query: '{ tenant { name } }' },
  });
  const text = await response.text();
  try {
    return JSON.parse(text) as GraphqlBody;
  } catch {
    throw new Error(`POST /graphql answered ${response.status()} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}
