import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { freshTotp } from './totp';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Screenshots kept as test artifacts. */
export const artifacts = path.join(here, '..', 'artifacts');

/** Reads required environment variables, failing with a message that says how to set them. */
export function requireEnv<const N extends string>(names: readonly N[]): Record<N, string> & { baseUrl: string } {
  const all = ['E2E_BASE_URL', ...names];
  const missing = all.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set. The end-to-end tests need a running Scalefield server ` +
        '(scripts/e2e.sh starts one and sets them): E2E_BASE_URL (e.g. http://127.0.0.1:18080), ' +
        'E2E_EMAIL and E2E_PASSWORD (an administrator without MFA), E2E_ANALYST_EMAIL and ' +
        'E2E_ANALYST_PASSWORD (a user without MFA), E2E_HEC_TOKEN.',
    );
  }
  const values = Object.fromEntries(names.map((name) => [name, process.env[name]!])) as Record<N, string>;
  return { ...values, baseUrl: process.env.E2E_BASE_URL!.replace(/\/+$/, '') };
}

/** The optional tenant slug to sign in to. */
export const e2eTenant = process.env.E2E_TENANT ?? '';

export async function expectReachable(request: APIRequestContext, baseUrl: string) {
  try {
    await request.get(baseUrl, { timeout: 5_000, maxRedirects: 0 });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`E2E_BASE_URL ${baseUrl} is not reachable (${reason}). Is the Scalefield server running?`);
  }
}

/** Fills and submits the password step of the login page. */
export async function submitPassword(page: Page, email: string, password: string) {
  await expect(page.getByRole('heading', { name: 'Sign in', exact: true })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  if (e2eTenant) {
    await page.getByText('Sign in to a specific tenant').click();
    await page.getByLabel('Tenant').fill(e2eTenant);
  }
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/**
 * What admin-mfa.spec.ts leaves for admin-api-key.spec.ts: the administrator's
 * TOTP secret and the last time step used, since a code is refused twice.
 * Kept in e2e/.state/ (ignored by git), written afresh by every run.
 */
export type AdminMfaState = { secret: string; lastStep: number };

const stateFile = path.join(here, '..', '.state', 'admin-mfa.json');

export function saveAdminMfaState(state: AdminMfaState) {
  mkdirSync(path.dirname(stateFile), { recursive: true });
  writeFileSync(stateFile, JSON.stringify(state));
}

export function loadAdminMfaState(): AdminMfaState {
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8')) as AdminMfaState;
  } catch {
    throw new Error(`${stateFile} is missing: admin-mfa.spec.ts must run (and pass) first.`);
  }
}

/**
 * Signs the administrator in with the password and a TOTP code of a later
 * time step than any used before (the server refuses a replayed code), from
 * the secret admin-mfa.spec.ts enrolled; records the step for the next spec.
 * Ends on the Analyst view, where every sign-in lands.
 */
export async function signInAsAdministrator(
  page: Page,
  env: { baseUrl: string; E2E_EMAIL: string; E2E_PASSWORD: string },
) {
  const state = loadAdminMfaState();
  await page.goto(`${env.baseUrl}/login`);
  await submitPassword(page, env.E2E_EMAIL, env.E2E_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
  const { code, step } = await freshTotp(state.secret, state.lastStep);
  await page.getByRole('textbox', { name: 'Authentication code' }).fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/analyst$/);
  saveAdminMfaState({ secret: state.secret, lastStep: step });
}
