import { describe, expect, it } from 'vitest';
import { waitFor, WaitTimeout, within } from './wait-for';

describe('waits with a time limit', () => {
  it('returns what the check found as soon as it finds it', async () => {
    let calls = 0;
    await expect(waitFor('the third call', () => ++calls >= 3 && calls, 1000, 1)).resolves.toBe(3);
  });

  it('fails after its limit, saying what it waited for', async () => {
    const started = Date.now();
    const failure = waitFor('a prompt in the terminal', () => false, 200, 10);
    await expect(failure).rejects.toThrow(new WaitTimeout('gave up after 0.2 s waiting for a prompt in the terminal'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('limits a promise that never settles', async () => {
    await expect(within('the terminal to be ready', new Promise(() => {}), 50)).rejects.toThrow('gave up after 0.1 s waiting for the terminal to be ready');
    await expect(within('a quick answer', Promise.resolve('ready'), 50)).resolves.toBe('ready');
  });
});
