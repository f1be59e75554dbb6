import { describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/server/config';
import { sandboxCreateOptions } from '@/lib/sandbox/profile';

const { sandbox } = loadConfig({ COURSE_STATE_DIR: '.state/test', COURSE_SANDBOX_MEMORY: '256m', COURSE_SANDBOX_CPUS: '0.5' });

describe('the sandbox profile', () => {
  const options = sandboxCreateOptions('course-pool-x', sandbox);
  const host = options.HostConfig as Record<string, unknown>;

  it('is never privileged and never binds anything from the host', () => {
    expect(host.Privileged).toBeUndefined();
    expect(host.Binds).toBeUndefined();
    expect(host.Mounts).toBeUndefined();
    expect(JSON.stringify(options)).not.toContain('docker.sock');
    expect(host.CapAdd).toEqual(['SYS_ADMIN']);
    expect(host.Devices).toEqual([expect.objectContaining({ PathOnHost: '/dev/net/tun' })]);
  });

  it('limits memory without swap, CPU, processes, disk and logs', () => {
    expect(host.Memory).toBe(256 * 1024 ** 2);
    expect(host.MemorySwap).toBe(host.Memory);
    expect(host.NanoCpus).toBe(0.5e9);
    expect(host.PidsLimit).toBe(512);
    expect((host.Tmpfs as Record<string, string>)['/home/learner/.local/share/docker']).toMatch(/size=671088640/);
    expect(host.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } });
  });

  it('rejects nonsense limits in the configuration', () => {
    expect(() => loadConfig({ COURSE_STATE_DIR: '.state/test', COURSE_SANDBOX_MEMORY: 'lots' })).toThrow(/COURSE_SANDBOX_MEMORY/);
    expect(() => loadConfig({ COURSE_STATE_DIR: '.state/test', COURSE_SANDBOX_POOL: '-1' })).toThrow(/COURSE_SANDBOX_POOL/);
  });
});
