import { createHmac } from 'node:crypto';

/** RFC 6238 TOTP as authenticators compute it: HMAC-SHA1, 30-second steps, 6 digits. */
export const TOTP_STEP_SECONDS = 30;
const DIGITS = 6;

/** Decodes RFC 4648 base32 (any case, spaces and padding ignored). */
export function base32Decode(input: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = input.replace(/[\s=-]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${JSON.stringify(char)}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The HOTP value (RFC 4226) of a counter. */
export function hotp(key: Buffer, counter: number, digits = DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hmac = createHmac('sha1', key).update(message).digest();
  const offset = hmac[hmac.length - 1]! & 0x0f;
  const binary =
    ((hmac[offset]! & 0x7f) << 24) | (hmac[offset + 1]! << 16) | (hmac[offset + 2]! << 8) | hmac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The time step of an instant (ms since the epoch). */
export function timeStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS);
}

/** The TOTP code of a base32 secret for a time step. */
export function totpAt(secretBase32: string, step: number): string {
  return hotp(base32Decode(secretBase32), step);
}

/**
 * A code of a time step later than lastStep, waiting for that step if need
 * be: the server refuses a code of a step it has seen (replay). A step with
 * less than minRemainingMs left is skipped too, so the code is still current
 * when the server checks it.
 */
export async function freshTotp(
  secretBase32: string,
  lastStep: number,
  minRemainingMs = 3_000,
): Promise<{ code: string; step: number }> {
  for (;;) {
    const now = Date.now();
    const step = timeStep(now);
    const stepEnd = (step + 1) * TOTP_STEP_SECONDS * 1000;
    if (step > lastStep && stepEnd - now >= minRemainingMs) return { code: totpAt(secretBase32, step), step };
    await new Promise((resolve) => setTimeout(resolve, stepEnd - now + 250));
  }
}
