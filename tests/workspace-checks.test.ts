import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { yamlFileProblems } from '@/components/workspace/compose-check';
import { dockerfileCompletions, dockerfileHover, dockerfileProblems, offsetAt, positionAt } from '@/components/workspace/dockerfile-check';
import { languageOf } from '@/components/workspace/language';
import { validName, visibleRows } from '@/components/workspace/tree-model';
import { refusalOf } from '@/components/workspace/uploads';
import { reasonStatus } from '@/lib/workspace/protocol';
import { en } from '@/lib/i18n/en';
import { ko } from '@/lib/i18n/ko';

const t = en.workspace;
const underlined = (text: string, problems: { from: number; to: number }[]) => problems.map(({ from, to }) => text.slice(from, to));

describe('the language of a file', () => {
  it('comes from its name', () => {
    expect(['Dockerfile', 'app/Dockerfile', 'Dockerfile.dev', 'web.dockerfile', 'Containerfile'].map(languageOf)).toEqual(Array(5).fill('dockerfile'));
    expect(['compose.yaml', 'docker-compose.yml', 'quotes/compose.override.yaml', 'compose.prod.yml'].map(languageOf)).toEqual(Array(4).fill('compose'));
    expect(['config.yml', 'k8s/deploy.yaml'].map(languageOf)).toEqual(['yaml', 'yaml']);
    expect(['run.sh', '.bashrc', 'app.py', 'notes.txt', 'Makefile'].map(languageOf)).toEqual(['shell', 'shell', 'python', 'plain', 'plain']);
  });
});

describe('Dockerfile checks', () => {
  it('underline an unknown instruction with the checker’s message', () => {
    const text = 'FORM debian\nRUN echo hi\n';
    const problems = dockerfileProblems(text);
    expect(problems.map((p) => p.message)).toContain('Unknown instruction: FORM');
    expect(underlined(text, problems)).toContain('FORM');
    expect(problems.every((p) => p.english && p.severity === 'error')).toBe(true);
    expect(dockerfileProblems('FROM debian\nRUN echo hi\n')).toEqual([]);
  });

  it('complete instructions and document them', async () => {
    const text = 'FROM debian\nRU';
    const options = await dockerfileCompletions(text, text.length);
    const run = options.find((option) => option.label === 'RUN')!;
    expect(run).toMatchObject({ from: text.length - 2, insert: 'RUN', kind: 'keyword' });
    expect(dockerfileHover('FROM debian\nRUN echo', 13)).toMatch(/Execute any commands/);
  });

  it('count positions as the language server does', () => {
    const text = 'ab\ncdé\n\nx';
    for (const offset of [0, 2, 3, 6, 7, 8, 9]) expect(offsetAt(text, positionAt(text, offset))).toBe(offset);
    expect(offsetAt(text, { line: 9, character: 0 })).toBe(text.length);
    expect(offsetAt(text, { line: 0, character: 99 })).toBe(2);
  });
});

describe('Compose checks', () => {
  it('underline a wrong type and an unknown key, in the learner’s language', () => {
    const text = 'services:\n  web:\n    image: 1\n    bogus: true\n';
    const problems = yamlFileProblems(text, t, true);
    expect(problems.map((p) => [text.slice(p.from, p.to), p.message])).toEqual(
      expect.arrayContaining([
        ['1', 'This must be text.'],
        ['bogus', 'Compose does not know the key “bogus” here.'],
      ]),
    );
    expect(problems).toHaveLength(2);
    expect(yamlFileProblems(text, ko.workspace, true).map((p) => p.message).sort()).toEqual(['Compose는 이 자리에서 “bogus” 키를 알지 못합니다.', '이 값의 형식이 맞지 않습니다. 올 수 있는 형식: 문자열.']);
  });

  it('find mistakes in flow style too, as the browser test types them', () => {
    const text = 'services: { web: { image: 1, bogus: true } }\n';
    expect(underlined(text, yamlFileProblems(text, t, true)).sort()).toEqual(['1', 'bogus']);
  });

  it('say the deepest mistake of a value that has several forms', () => {
    const text = 'services:\n  web:\n    image: nginx\n    environment: 5\n    ports:\n      - target: 80\n        published: [1]\n';
    const problems = yamlFileProblems(text, t, true);
    expect(problems.map((p) => [text.slice(p.from, p.to), p.message])).toEqual(
      expect.arrayContaining([
        ['5', 'This must be a mapping (key: value) or a list.'],
        ['[1]', 'This must be text or a whole number.'],
      ]),
    );
  });

  it('underline YAML syntax errors with the parser’s English words, and only those', () => {
    const text = 'services:\n  web:\n    image: "nginx\n';
    const problems = yamlFileProblems(text, t, true);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.english)).toBe(true);
    expect(yamlFileProblems('a: [1, 2\n', t, false)[0]?.english).toBe(true);
    const twice = 'services: {}\nservices: {}\n';
    expect(yamlFileProblems(twice, t, true).map((p) => [twice.slice(p.from, p.to), p.message])).toEqual([['services', 'Map keys must be unique']]);
  });

  it('accept an empty file and a plain YAML file without a schema', () => {
    expect(yamlFileProblems('', t, true)).toEqual([]);
    expect(yamlFileProblems('anything: [1, 2]\nbogus: true\n', t, false)).toEqual([]);
  });

  it('accept every Compose file the lessons write', () => {
    const files: string[] = [];
    for (const locale of ['en', 'ko']) {
      for (const module of readdirSync(path.join('content', locale), { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
        for (const lesson of readdirSync(path.join('content', locale, module.name))) {
          const source = readFileSync(path.join('content', locale, module.name, lesson), 'utf8');
          // Heredocs and file blocks that write compose files.
          for (const match of source.matchAll(/cat > (?:\S*\/)?((?:docker-)?compose[\w.-]*\.ya?ml) <<'?EOF'?\n([\s\S]*?)\nEOF/g)) files.push(`${lesson}: ${match[1]}\n${match[2]}`);
          for (const match of source.matchAll(/```ya?ml[^\n]*file=(?:\S*\/)?((?:docker-)?compose[\w.-]*\.ya?ml)[^\n]*\n([\s\S]*?)```/g)) files.push(`${lesson}: ${match[1]}\n${match[2]}`);
        }
      }
    }
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const text = file.slice(file.indexOf('\n') + 1);
      expect(yamlFileProblems(text, t, true).map((p) => `${p.message}: ${text.slice(p.from, p.to)}`), file.split('\n')[0]).toEqual([]);
    }
  });
});

describe('the workspace’s words', () => {
  it('say every reason the file API gives, in both languages', () => {
    for (const reason of [...Object.keys(reasonStatus), 'network']) {
      expect(en.workspace.errors, reason).toHaveProperty(reason);
      expect(ko.workspace.errors, reason).toHaveProperty(reason);
    }
  });
});

describe('the file tree', () => {
  const entries = ['app', 'app/Dockerfile', 'app/src', 'app/src/main.py', 'notes10.txt', 'notes2.txt', 'zeta'].map((path) => ({
    path,
    kind: (['app', 'app/src', 'zeta'].includes(path) ? 'folder' : 'file') as 'file' | 'folder',
    size: 1,
    mtimeMs: 0,
  }));

  it('shows folders first, names in reading order, and the children of open folders only', () => {
    expect(visibleRows(entries, new Set()).map((row) => row.path)).toEqual(['app', 'zeta', 'notes2.txt', 'notes10.txt']);
    const open = visibleRows(entries, new Set(['app', 'app/src']));
    expect(open.map((row) => [row.path, row.level, row.position, row.siblings])).toEqual([
      ['app', 1, 1, 4],
      ['app/src', 2, 1, 2],
      ['app/src/main.py', 3, 1, 1],
      ['app/Dockerfile', 2, 2, 2],
      ['zeta', 1, 2, 4],
      ['notes2.txt', 1, 3, 4],
      ['notes10.txt', 1, 4, 4],
    ]);
  });

  it('keeps the children of a folder the listing left out', () => {
    expect(visibleRows([{ path: 'deep/file', kind: 'file', size: 1, mtimeMs: 0 }], new Set(['deep'])).map((row) => [row.path, row.kind])).toEqual([
      ['deep', 'folder'],
      ['deep/file', 'file'],
    ]);
  });

  it('accepts one plain name and nothing else', () => {
    expect(['Dockerfile', 'compose.yaml', '.env', '이름'].every(validName)).toBe(true);
    expect(['', '.', '..', 'a/b', 'bad\nname', 'x'.repeat(256)].some(validName)).toBe(false);
  });
});

describe('a drop of files', () => {
  const file = (name: string, size: number) => ({ name, size, file: {} as File });
  it('is refused whole for a folder, a file over 10 MiB or more than 50 MiB in all', () => {
    expect(refusalOf([file('a', 1), file('b', 10 * 1024 * 1024)])).toBeNull();
    expect(refusalOf([file('a', 1), { name: 'dir', size: 0, file: null }])).toEqual({ problem: 'folder', name: 'dir' });
    expect(refusalOf([file('big', 10 * 1024 * 1024 + 1)])).toMatchObject({ problem: 'tooBig', name: 'big' });
    expect(refusalOf(Array.from({ length: 6 }, (_, i) => file(`f${i}`, 9 * 1024 * 1024)))).toMatchObject({ problem: 'tooMuch', size: 54 * 1024 * 1024 });
  });
});
