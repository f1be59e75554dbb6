import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';

const run = promisify(execFile);

test('a broken lesson fails the content build with a message naming the file and the problem', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'broken-content-'));
  try {
    await cp('content', path.join(dir, 'content'), { recursive: true });
    const file = path.join(dir, 'content/ko/virtualization/from-vms-to-containers.mdx');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/^duration: \d+\n/m, '').replace('<Note>', '<Notice>').replace('</Note>', '</Notice>'));

    const result = await run('npx', ['tsx', 'scripts/build-content.ts', '--content', path.join(dir, 'content'), '--out', path.join(dir, 'out')]).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(result?.code).toBe(1);
    expect(result?.stderr).toContain(`${file}: frontmatter duration:`);
    expect(result?.stderr).toMatch(new RegExp(`${file}: line \\d+: unknown component <Notice>`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
