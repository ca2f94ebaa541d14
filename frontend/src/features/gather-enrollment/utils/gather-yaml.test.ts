import { describe, expect, it } from 'vitest';
import { gatherEngineUrl, gatherYaml, isValidPort } from '@/features/gather-enrollment/utils/gather-yaml';

describe('gatherYaml', () => {
  it('writes the engine part of gather.yaml', () => {
    const yaml = gatherYaml({
      host: 'engine.example.com',
      port: 8443,
      token: 'sfg_abc',
      caFingerprint: 'ff00',
      name: 'db-0',
    });
    expect(yaml.split('\n').slice(0, 7)).toEqual([
      '# gather.yaml for "db-0" (docs/gather-agent.md)',
      'engine:',
      '  url: https://engine.example.com:8443',
      '  # One-time: only read until the agent has enrolled.',
      '  token: sfg_abc',
      '  ca_fingerprint: ff00',
      'state_dir: /var/lib/scalefield-gather',
    ]);
  });

  it('puts IPv6 hosts in brackets', () => {
    expect(gatherEngineUrl('::1', 8443)).toBe('https://[::1]:8443');
    expect(gatherEngineUrl('[::1]', 9443)).toBe('https://[::1]:9443');
  });

  it.each([
    [8443, true],
    [1, true],
    [65535, true],
    [0, false],
    [65536, false],
    [84.5, false],
    [Number.NaN, false],
  ])('port %s valid: %s', (port, valid) => {
    expect(isValidPort(port)).toBe(valid);
  });
});
