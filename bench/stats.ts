import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

export const ms = (value: number) => `${Math.round(value)} ms`;
export const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

export async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await work();
  return [performance.now() - start, result];
}

/** A process's resident memory, from /proc. */
export const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

/** The highest one-minute load average while `work` runs, sampled every second. */
export async function peakLoad<T>(work: () => Promise<T>): Promise<[number, T]> {
  let peak = loadavg()[0]!;
  const sampler = setInterval(() => (peak = Math.max(peak, loadavg()[0]!)), 1000);
  try {
    const result = await work();
    return [Math.max(peak, loadavg()[0]!), result];
  } finally {
    clearInterval(sampler);
  }
}
