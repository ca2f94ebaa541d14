import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { artifacts, expectReachable, requireEnv, submitPassword } from './support/env';

// Runs against a real Scalefield server (scripts/e2e.sh):
//   E2E_BASE_URL, E2E_ANALYST_EMAIL, E2E_ANALYST_PASSWORD
// The analyst changes their password in the UI and signs in with the new
// one. It runs after the other specs that sign the analyst in (see
// playwright.config.ts); the demo password cannot be set back, since it
// holds the name part of the email, which the policy refuses.

async function changePassword(page: Page, current: string, next: string) {
  await page.getByRole('button', { name: /Account:/ }).click();
  await page.getByRole('link', { name: 'Change password' }).click();
  await expect(page.getByRole('heading', { name: 'Change password' })).toBeVisible();
  await page.getByLabel('Current password').fill(current);
  await page.getByLabel('New password', { exact: true }).fill(next);
  await page.getByLabel('Confirm new password').fill(next);
  await page.getByRole('button', { name: 'Change password' }).click();
}

test('an analyst changes their password and signs in with the new one', async ({ page, request }) => {
  const env = requireEnv(['E2E_ANALYST_EMAIL', 'E2E_ANALYST_PASSWORD']);
  await expectReachable(request, env.baseUrl);
  mkdirSync(artifacts, { recursive: true });
  const next = `renewed-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

  await test.step('sign in', async () => {
    await page.goto(env.baseUrl);
    await submitPassword(page, env.E2E_ANALYST_EMAIL, env.E2E_ANALYST_PASSWORD);
    await expect(page).toHaveURL(/\/analyst$/);
  });

  await test.step('a wrong current password is shown, not signed out', async () => {
    await changePassword(page, 'not the current password', next);
    await expect(page.getByRole('alert')).toContainText('current password is wrong');
    await expect(page.getByRole('heading', { name: 'Change password' })).toBeVisible();
  });

  await test.step('change it', async () => {
    await page.getByLabel('Current password').fill(env.E2E_ANALYST_PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('Confirm new password').fill(next);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'changed' })).toBeVisible();
    await page.screenshot({ path: path.join(artifacts, 'change-password.png'), fullPage: true });
  });

  await test.step('sign in again with the new password, not the old one', async () => {
    await page.getByRole('button', { name: /Account:/ }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page).toHaveURL(/\/login$/);
    await submitPassword(page, env.E2E_ANALYST_EMAIL, env.E2E_ANALYST_PASSWORD);
    await expect(page.getByRole('alert')).toContainText('invalid email or password');
    await submitPassword(page, env.E2E_ANALYST_EMAIL, next);
    // Signed in, back on the page signed out from.
    await expect(page).toHaveURL(/\/account\/password$/);
    await expect(page.getByRole('button', { name: /Account:/ })).toContainText(env.E2E_ANALYST_EMAIL);
  });
});
