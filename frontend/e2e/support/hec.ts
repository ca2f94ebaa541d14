import { expect, type APIRequestContext } from '@playwright/test';

/** Sends HEC event envelopes (one request, envelopes concatenated as HEC allows). */
export async function sendHecEvents(request: APIRequestContext, baseUrl: string, token: string, envelopes: unknown[]) {
  const response = await request.post(`${baseUrl}/services/collector/event`, {
    headers: { Authorization: `Splunk ${token}`, 'Content-Type': 'application/json' },
    // A Buffer is sent as is; a string that is not one JSON value would be JSON-encoded again.
    data: Buffer.from(envelopes.map((envelope) => JSON.stringify(envelope)).join('\n')),
  });
  expect(response.status(), await response.text()).toBe(200);
  expect(await response.json()).toEqual({ text: 'Success', code: 0 });
}

/** Sends raw lines to /services/collector/raw with host, source and sourcetype in the query. */
export async function sendHecRaw(
  request: APIRequestContext,
  baseUrl: string,
  token: string,
  lines: string[],
  meta: { sourcetype: string; host?: string; source?: string },
) {
  const query = new URLSearchParams(Object.entries(meta).filter((entry): entry is [string, string] => !!entry[1]));
  const response = await request.post(`${baseUrl}/services/collector/raw?${query}`, {
    headers: { Authorization: `Splunk ${token}`, 'Content-Type': 'text/plain' },
    data: Buffer.from(lines.join('\n')),
  });
  expect(response.status(), await response.text()).toBe(200);
  expect(await response.json()).toEqual({ text: 'Success', code: 0 });
}
