/** The gather listener's port unless the engine was started with another --gather-addr. */
export const DEFAULT_GATHER_PORT = 8443;

type GatherYamlOptions = {
  /** The engine's host as agents reach it, e.g. window.location.hostname. */
  host: string;
  port: number;
  token: string;
  caFingerprint: string;
  /** The token's name, for the comment at the top. */
  name: string;
};

/** A host for a URL: IPv6 addresses go in brackets. */
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The gather listener's URL agents enroll with. */
export function gatherEngineUrl(host: string, port: number): string {
  return `https://${urlHost(host)}:${port}`;
}

/** Whether a port field holds a TCP port. */
export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/**
 * The engine part of an agent's gather.yaml (docs/gather-agent.md), with the
 * one-time token and the CA fingerprint the agent pins at enrollment. The
 * blob store and the collectors depend on the host: they stay comments.
 */
export function gatherYaml({ host, port, token, caFingerprint, name }: GatherYamlOptions): string {
  return [
    `# gather.yaml for "${name}" (docs/gather-agent.md)`,
    'engine:',
    `  url: ${gatherEngineUrl(host, port)}`,
    '  # One-time: only read until the agent has enrolled.',
    `  token: ${token}`,
    `  ca_fingerprint: ${caFingerprint}`,
    'state_dir: /var/lib/scalefield-gather',
    '# Places the node on the Operator map:',
    '# location: {lat: 50.11, lon: 8.68, label: "Frankfurt DC2"}',
    '# Still to add: blob (the store shared with the engine, e.g.',
    '# url: s3://bucket/gather) and collectors (docs/gather-agent.md).',
    '',
  ].join('\n');
}
