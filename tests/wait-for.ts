/**
 * Waits in tests and benchmarks, each with a time limit and a failure that says what it waited for:
 * a suite or a benchmark that meets a stuck terminal stops with a reason, never hangs.
 */

export class WaitTimeout extends Error {}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Polls `check` until it gives something truthy, and returns that. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs: number, everyMs = 100): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() >= end) throw new WaitTimeout(`gave up after ${seconds(timeoutMs)} waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The promise's result, or a failure naming `what` once `timeoutMs` has passed. */
export async function within<T>(what: string, work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaitTimeout(`gave up after ${seconds(timeoutMs)} waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
