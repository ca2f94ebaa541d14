import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// A minimal gather agent for the browser tests: it enrolls, sends a heartbeat
// and announces files over the documented HTTP protocol
// (docs/gather-protocol.md), with Node's crypto only.

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The gather listener's address (host:port): E2E_GATHER_ADDR, else the
 * "gather listener" line of the server log scripts/e2e.sh writes
 * (E2E_SERVER_LOG, default .data/e2e-server.log), since the listener runs on
 * a free port. Null when neither says.
 */
export function gatherAddress(): string | null {
  if (process.env.E2E_GATHER_ADDR) return process.env.E2E_GATHER_ADDR;
  const log = process.env.E2E_SERVER_LOG ?? path.join(here, '..', '..', '..', '.data', 'e2e-server.log');
  if (!existsSync(log)) return null;
  const lines = readFileSync(log, 'utf8').split('\n');
  const line = lines.reverse().find((l) => l.includes('gather listener'));
  const match = line && /addr=(\S+)/.exec(line);
  return match ? match[1]!.replace(/^"|"$/g, '') : null;
}

// DER, just what a certification request needs.
function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else if (n < 0x100) length = Buffer.from([0x81, n]);
  else length = Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
const sequence = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts));

/** A PKCS #10 certification request for an Ed25519 key, with an empty subject (the engine sets it). */
function certificationRequest(publicKey: KeyObject, privateKey: KeyObject): string {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const info = sequence(
    der(0x02, Buffer.from([0])), // version 0
    sequence(), // subject: empty
    spki,
    der(0xa0, Buffer.alloc(0)), // attributes: none
  );
  const ed25519 = sequence(der(0x06, Buffer.from([0x2b, 0x65, 0x70]))); // 1.3.101.112
  const signature = sign(null, info, privateKey);
  const request = sequence(info, ed25519, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const base64 = request.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE REQUEST-----\n${base64.trimEnd()}\n-----END CERTIFICATE REQUEST-----\n`;
}

type Answer = { status: number; body: unknown };

function post(
  address: string,
  pathname: string,
  body: unknown,
  tls: { ca: string; key?: string; cert?: string },
): Promise<Answer> {
  const [host, port] = splitAddress(address);
  return new Promise((resolve, reject) => {
    const request = https.request(
      { host, port, path: pathname, method: 'POST', headers: { 'Content-Type': 'application/json' }, ...tls },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : null });
        });
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at).replace(/^\[|\]$/g, ''), Number(address.slice(at + 1))];
}

export type EnrolledAgent = {
  nodeId: string;
  keyPrefix: string;
  heartbeat: (body: unknown) => Promise<Answer>;
  announce: (body: unknown) => Promise<Answer>;
};

/** Enrolls with a one-time token, trusting the engine's CA certificate (PEM). */
export async function enrollAgent(
  address: string,
  token: string,
  caPem: string,
  hostname: string,
): Promise<EnrolledAgent> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const answer = await post(
    address,
    '/gather/v1/enroll',
    { token, csr: certificationRequest(publicKey, privateKey), hostname, version: '0.9.0-e2e' },
    { ca: caPem },
  );
  if (answer.status !== 200) throw new Error(`enroll: ${answer.status} ${JSON.stringify(answer.body)}`);
  const enrolled = answer.body as { node_id: string; key_prefix: string; certificate: string; ca: string };
  const tls = {
    ca: enrolled.ca,
    cert: enrolled.certificate,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  return {
    nodeId: enrolled.node_id,
    keyPrefix: enrolled.key_prefix,
    heartbeat: (body) => post(address, '/gather/v1/heartbeat', body, tls),
    announce: (body) => post(address, '/gather/v1/files', body, tls),
  };
}

/** The notice of one activity file under the node's prefix, with a valid manifest (the file itself is not stored). */
export function fileNotice(keyPrefix: string, name: string, rows: number, at: Date) {
  const file = `${name}.parquet`;
  return {
    manifest_key: `${keyPrefix}${file}.manifest.json`,
    manifest: {
      schema_version: 1,
      file,
      rows,
      bytes: rows * 83 + 4096,
      sha256: createHash('sha256').update(file).digest('hex'),
      min_time: new Date(at.getTime() - 60 * 60_000).toISOString(),
      max_time: at.toISOString(),
      source: 'pg-audit',
      engine: 'postgresql',
      host: 'db-0',
      created_at: at.toISOString(),
    },
  };
}
