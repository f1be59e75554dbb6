// Compiles every lesson with mdx-bundler ahead of time and writes the result to .content/.
// Author mistakes end the build with exit code 1 and one line per problem, naming the file.
// Usage: tsx scripts/build-content.ts [--content DIR] [--out DIR]
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileContent, ContentError } from '../lib/content/compile';
import { compiledDir, coursePath, lessonCodePath } from '../lib/content/output';
import type { Locale } from '../lib/i18n';

const { values } = parseArgs({ options: { content: { type: 'string' }, out: { type: 'string' } } });
const contentDir = path.resolve(values.content ?? 'content');
const outDir = path.resolve(values.out ?? compiledDir('.'));

try {
  const compiled = await compileContent(contentDir);
  await rm(outDir, { recursive: true, force: true });
  let lessons = 0;
  for (const [locale, { course, code }] of Object.entries(compiled) as [Locale, (typeof compiled)[Locale]][]) {
    await write(coursePath(outDir, locale), JSON.stringify(course));
    for (const [key, js] of code) {
      const [module = '', lesson = ''] = key.split('/');
      await write(lessonCodePath(outDir, locale, module, lesson), js);
      lessons++;
    }
  }
  console.log(`content: compiled ${lessons} lessons into ${path.relative(process.cwd(), outDir)}`);
} catch (error) {
  if (!(error instanceof ContentError)) throw error;
  console.error(error.message);
  process.exit(1);
}

async function write(file: string, text: string) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}
