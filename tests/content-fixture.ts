import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const lesson = (title: string, body = 'Some text.\n\n```sh\ndocker version\n```\n') => `---
title: ${title}
summary: A short summary.
duration: 10
objectives:
  - Do a thing
sandbox: docker
---

## First steps

${body}
`;

const meta = (title: string) =>
  JSON.stringify({
    title,
    description: 'A course.',
    modules: [
      { slug: 'basics', title: 'Basics', summary: 'The basics.', lessons: ['one', 'two'] },
      { slug: 'more', title: 'More', summary: 'More.', lessons: ['three'] },
    ],
  });

/** A small valid course in both languages; `files` adds or replaces files (null deletes). */
export async function makeContent(files: Record<string, string | null> = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'course-content-'));
  const all: Record<string, string | null> = {};
  for (const locale of ['en', 'ko']) {
    all[`${locale}/meta.json`] = meta(`Course ${locale}`);
    all[`${locale}/basics/one.mdx`] = lesson(`One ${locale}`, 'Go on to [the next one](/basics/two).');
    all[`${locale}/basics/two.mdx`] = lesson(`Two ${locale}`);
    all[`${locale}/more/three.mdx`] = lesson(`Three ${locale}`);
  }
  Object.assign(all, files);
  for (const [name, text] of Object.entries(all)) {
    if (text === null) continue;
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
