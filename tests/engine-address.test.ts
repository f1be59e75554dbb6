import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '@/lib/sandbox/engine';

const modemOf = (engine: Engine) => engine.docker.modem as unknown as Record<string, unknown>;

describe('Engine.connect', () => {
  it('talks to a local engine over its unix socket', () => {
    expect(modemOf(Engine.connect({ address: 'unix:///run/docker-course/engine.sock', tlsDir: null })).socketPath).toBe('/run/docker-course/engine.sock');
  });

  it('talks to a remote engine over TLS with the given certificates', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'engine-tls-'));
    for (const name of ['ca', 'cert', 'key']) writeFileSync(path.join(dir, `${name}.pem`), `${name} pem`);
    const modem = modemOf(Engine.connect({ address: 'tcp://engine.example:2376', tlsDir: dir }));
    expect(modem).toMatchObject({ host: 'engine.example', port: 2376, protocol: 'https' });
    expect(String(modem.ca)).toBe('ca pem');
    expect(String(modem.cert)).toBe('cert pem');
    expect(String(modem.key)).toBe('key pem');
  });
});
