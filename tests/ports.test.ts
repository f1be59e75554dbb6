import { describe, expect, it } from 'vitest';
import { parsePublishedPorts } from '@/lib/sandbox/ports';

describe('published ports', () => {
  it('reads the host ports of every container, once each, in order', () => {
    const ps = ['0.0.0.0:8080->80/tcp, :::8080->80/tcp', '', '6379/tcp', '0.0.0.0:3000->3000/tcp, 0.0.0.0:5000->5000/tcp'].join('\n');
    expect(parsePublishedPorts(ps)).toEqual([3000, 5000, 8080]);
  });

  it('leaves out ports bound to loopback only, and UDP', () => {
    expect(parsePublishedPorts('127.0.0.1:9000->80/tcp\n0.0.0.0:5353->53/udp')).toEqual([]);
  });

  it('reads port ranges as Docker prints them, one mapping each', () => {
    expect(parsePublishedPorts('0.0.0.0:8000->80/tcp, 0.0.0.0:8001->81/tcp')).toEqual([8000, 8001]);
  });
});
