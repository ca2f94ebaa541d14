import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { artifacts, expectReachable, requireEnv, saveAdminMfaState, submitPassword } from './support/env';
import { freshTotp } from './support/totp';

// Runs first (see playwright.config.ts), against a fresh server whose
// administrator (E2E_EMAIL / E2E_PASSWORD) has no MFA yet.

test('an administrator enrols an authenticator, then signs in with it', async ({ page, request }) => {
  // Two waits for a new 30-second TOTP step at most, on top of the flow.
  test.setTimeout(150_000);
  const env = requireEnv(['E2E_EMAIL', 'E2E_PASSWORD']);
  await expectReachable(request, env.baseUrl);
  mkdirSync(artifacts, { recursive: true });

  let secret = '';
  let enrolledStep = -1;

  await test.step('sign in with the password: only the enrolment page opens', async () => {
    await page.goto(`${env.baseUrl}/admin`);
    await expect(page).toHaveURL(/\/login$/);
    await submitPassword(page, env.E2E_EMAIL, env.E2E_PASSWORD);
    await expect(page).toHaveURL(/\/mfa\/enroll$/);
    await expect(page.getByRole('heading', { name: 'Set up two-factor authentication' })).toBeVisible();
    // Nothing else is reachable with this session.
    await page.goto(`${env.baseUrl}/admin/users`);
    await expect(page).toHaveURL(/\/mfa\/enroll$/);
  });

  await test.step('read the key and confirm a code', async () => {
    await expect(page.getByRole('img', { name: 'QR code to scan with your authenticator app' })).toBeVisible();
    const key = page.getByRole('textbox', { name: 'Setup key' });
    await expect(key).not.toHaveValue('');
    secret = (await key.inputValue()).replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    await page.screenshot({ path: path.join(artifacts, 'mfa-enroll.png'), fullPage: true });

    const { code, step } = await freshTotp(secret, -1);
    enrolledStep = step;
    await page.getByRole('textbox', { name: '6-digit code' }).fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();
  });

  await test.step('see ten recovery codes once, and continue only after saving them', async () => {
    await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await expect(codes).toHaveCount(10);
    const texts = (await codes.allTextContents()).map((t) => t.trim());
    expect(texts.every((t) => t.length >= 6)).toBe(true);
    expect(new Set(texts).size).toBe(10);
    await page.screenshot({ path: path.join(artifacts, 'mfa-recovery-codes.png'), fullPage: true });

    const continueButton = page.getByRole('button', { name: 'Continue' });
    await expect(continueButton).toBeDisabled();
    await page.getByRole('checkbox', { name: 'I have saved these codes' }).check();
    await continueButton.click();
    await expect(page).toHaveURL(/\/analyst$/);
    await expect(page.getByRole('heading', { name: 'Events' })).toBeVisible();
    saveAdminMfaState({ secret, lastStep: enrolledStep });
  });

  await test.step('sign out', async () => {
    await page.getByRole('button', { name: new RegExp(escapeRegExp(env.E2E_EMAIL)) }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Sign in', exact: true })).toBeVisible();
    await expect(page.getByText('You have signed out.')).toBeVisible();
  });

  await test.step('sign in again: the password, then a code of a later time step', async () => {
    await submitPassword(page, env.E2E_EMAIL, env.E2E_PASSWORD);
    await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
    // The code used at enrolment is refused if replayed: wait for the next step.
    const { code, step } = await freshTotp(secret, enrolledStep);
    await page.getByRole('textbox', { name: 'Authentication code' }).fill(code);
    await page.screenshot({ path: path.join(artifacts, 'mfa-verify.png'), fullPage: true });
    await page.getByRole('button', { name: 'Verify' }).click();

    await expect(page).toHaveURL(/\/analyst$/);
    await expect(page.getByRole('heading', { name: 'Events' })).toBeVisible();
    saveAdminMfaState({ secret, lastStep: step });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
