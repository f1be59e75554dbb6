import '#server-only';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { bundleMDX } from 'mdx-bundler';
import remarkGfm from 'remark-gfm';
import rehypeSlug from 'rehype-slug';
import rehypeShiki from '@shikijs/rehype';
import { mdxComponentNames } from './component-names';
import { checkSchema, type LessonCheck } from '../checks/schema';
import { locales, type Locale } from '../i18n';
import { fileBlockText, parseFileMeta, type FileBlock } from './file-blocks';
import { quizSignature, remarkCollectQuizzes, type LessonQuiz } from './quizzes';
import { courseMetaSchema, describeIssues, frontmatterSchema, sandboxNodes, type CourseMeta } from './schema';
import type { Course, Heading, LessonEntry } from './types';

export interface ContentProblem {
  file: string;
  message: string;
}

/** Every author mistake found in one pass, so a broken build lists them all with their files. */
export class ContentError extends Error {
  constructor(readonly problems: ContentProblem[]) {
    super(
      `Content has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  ${p.file}: ${p.message}`).join('\n'),
    );
    this.name = 'ContentError';
  }
}

export interface CompiledCourse {
  course: Course;
  /** mdx-bundler output per lesson, keyed "module/lesson". */
  code: Map<string, string>;
}

/** Languages the code highlighter knows; a fence in any other language is an author mistake. */
const codeLanguages = ['sh', 'bash', 'text', 'dockerfile', 'yaml', 'json', 'python', 'javascript', 'ini', 'c', 'html'];

export async function compileContent(contentDir: string): Promise<Record<Locale, CompiledCourse>> {
  const problems: ContentProblem[] = [];
  const report = (file: string, message: string) => problems.push({ file: displayPath(file), message });

  const metas = new Map<Locale, CourseMeta>();
  for (const locale of locales) {
    const file = path.join(contentDir, locale, 'meta.json');
    const meta = await readMeta(file, (m) => report(file, m));
    if (meta) metas.set(locale, meta);
  }
  checkParity(contentDir, metas, report);
  for (const [locale, meta] of metas) await checkFilesListed(contentDir, locale, meta, report);

  const result = {} as Record<Locale, CompiledCourse>;
  for (const [locale, meta] of metas) {
    const known = new Set(meta.modules.flatMap((m) => m.lessons.map((l) => `${m.slug}/${l}`)));
    const code = new Map<string, string>();
    const modules = [];
    for (const module of meta.modules) {
      const lessons: LessonEntry[] = [];
      for (const slug of module.lessons) {
        const file = path.join(contentDir, locale, module.slug, `${slug}.mdx`);
        const compiled = await compileLesson(file, locale, known, (m) => report(file, m));
        if (!compiled) continue;
        code.set(`${module.slug}/${slug}`, compiled.code);
        lessons.push({ ...compiled.frontmatter, slug, module: module.slug, headings: compiled.headings, checks: compiled.checks, files: compiled.files, quizzes: compiled.quizzes });
      }
      modules.push({ slug: module.slug, title: module.title, summary: module.summary, lessons });
    }
    result[locale] = { course: { locale, title: meta.title, description: meta.description, modules }, code };
  }

  checkChecksParity(contentDir, result, report);
  checkQuizzesParity(contentDir, result, report);
  if (problems.length) throw new ContentError(problems);
  return result;
}

const displayPath = (file: string) => {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
};

async function readMeta(file: string, report: (message: string) => void): Promise<CourseMeta | null> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    report('missing (every locale needs a meta.json with the module order and titles)');
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    report(`not valid JSON: ${(error as Error).message}`);
    return null;
  }
  const parsed = courseMetaSchema.safeParse(json);
  if (!parsed.success) {
    describeIssues(parsed.error).forEach(report);
    return null;
  }
  const seen = new Set<string>();
  for (const m of parsed.data.modules) {
    if (seen.has(m.slug)) report(`module "${m.slug}" is listed twice`);
    seen.add(m.slug);
    if (new Set(m.lessons).size !== m.lessons.length) report(`module "${m.slug}" lists a lesson twice`);
  }
  return parsed.data;
}

/** Both languages must offer the same modules and lessons in the same order. */
function checkParity(contentDir: string, metas: Map<Locale, CourseMeta>, report: (file: string, message: string) => void) {
  const outline = (meta: CourseMeta) => meta.modules.flatMap((m) => [m.slug + '/', ...m.lessons.map((l) => `${m.slug}/${l}`)]);
  const [first, ...rest] = [...metas.entries()];
  if (!first) return;
  for (const [locale, meta] of rest) {
    const a = outline(first[1]);
    const b = outline(meta);
    for (const item of a.filter((x) => !b.includes(x)))
      report(path.join(contentDir, locale, 'meta.json'), `lacks ${describe(item)} that ${first[0]} has`);
    for (const item of b.filter((x) => !a.includes(x)))
      report(path.join(contentDir, first[0], 'meta.json'), `lacks ${describe(item)} that ${locale} has`);
    if (a.length === b.length && a.some((x, i) => x !== b[i]))
      report(path.join(contentDir, locale, 'meta.json'), `orders modules or lessons differently from ${first[0]}`);
  }
}

/** Both languages check the same things in the same order; only hints are translated. */
function checkChecksParity(contentDir: string, compiled: Partial<Record<Locale, CompiledCourse>>, report: (file: string, message: string) => void) {
  const [first, ...rest] = Object.values(compiled);
  if (!first) return;
  const signature = (course: Course, key: string) => {
    const lesson = course.modules.flatMap((m) => m.lessons).find((l) => `${l.module}/${l.slug}` === key);
    return JSON.stringify(lesson?.checks.map(({ check: { hint: _, ...rest } }) => rest) ?? []);
  };
  for (const other of rest) {
    for (const key of first.code.keys()) {
      if (other.code.has(key) && signature(first.course, key) !== signature(other.course, key))
        report(path.join(contentDir, other.course.locale, `${key}.mdx`), `its <Check> elements differ from the ${first.course.locale} lesson (only hints may differ)`);
    }
  }
}

/** Both languages ask the same quizzes with the same right options; only the words are translated. */
function checkQuizzesParity(contentDir: string, compiled: Partial<Record<Locale, CompiledCourse>>, report: (file: string, message: string) => void) {
  const [first, ...rest] = Object.values(compiled);
  const quizzesOf = (course: Course, key: string) => course.modules.flatMap((m) => m.lessons).find((l) => `${l.module}/${l.slug}` === key)?.quizzes ?? [];
  for (const other of rest)
    for (const key of first?.code.keys() ?? [])
      if (other.code.has(key) && quizSignature(quizzesOf(first!.course, key)) !== quizSignature(quizzesOf(other.course, key)))
        report(path.join(contentDir, other.course.locale, `${key}.mdx`), `its <Quiz> elements differ from the ${first!.course.locale} lesson (ids, multiple, option count and which are correct must match)`);
}

const describe = (item: string) => (item.endsWith('/') ? `module "${item.slice(0, -1)}"` : `lesson "${item}"`);

/** An .mdx file that meta.json does not list would silently never be shown. */
async function checkFilesListed(contentDir: string, locale: Locale, meta: CourseMeta, report: (file: string, message: string) => void) {
  const listed = new Set(meta.modules.flatMap((m) => m.lessons.map((l) => path.join(m.slug, `${l}.mdx`))));
  const entries = await readdir(path.join(contentDir, locale), { recursive: true });
  for (const entry of entries) {
    if (entry.endsWith('.mdx') && !listed.has(entry))
      report(path.join(contentDir, locale, entry), `is not listed in ${locale}/meta.json`);
  }
}

interface CompiledLesson {
  code: string;
  frontmatter: LessonEntry extends infer T ? Omit<T, 'slug' | 'module' | 'headings' | 'checks' | 'files' | 'quizzes'> : never;
  headings: Heading[];
  checks: LessonCheck[];
  files: FileBlock[];
  quizzes: LessonQuiz[];
}

async function compileLesson(
  file: string,
  locale: Locale,
  knownLessons: Set<string>,
  report: (message: string) => void,
): Promise<CompiledLesson | null> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch {
    report('missing (listed in meta.json)');
    return null;
  }
  let complaints = 0;
  const complain = (message: string) => {
    complaints++;
    report(message);
  };
  const headings: Heading[] = [];
  const checks: LessonCheck[] = [];
  const files: (FileBlock & { line: number })[] = [];
  const quizzes: LessonQuiz[] = [];
  let result;
  try {
    result = await bundleMDX({
      source,
      mdxOptions(options) {
        options.remarkPlugins = [
          ...(options.remarkPlugins ?? []),
          remarkGfm,
          [remarkCheckComponents, complain],
          [remarkCollectChecks, { checks, files, report: complain }],
          [remarkCollectQuizzes, { quizzes, takenIds: () => checks.map((c) => c.check.id), report: complain }],
          [remarkLessonLinks, { locale, knownLessons, report: complain }],
        ];
        options.rehypePlugins = [
          ...(options.rehypePlugins ?? []),
          rehypeSlug,
          [rehypeCollectHeadings, headings],
          [rehypeShiki, { themes: { light: 'github-light-default', dark: 'github-dark-default' }, defaultColor: false, langs: codeLanguages, transformers: [tagLanguage] }],
        ];
        return options;
      },
      esbuildOptions: (options) => ({ ...options, logLevel: 'silent' }),
    });
  } catch (error) {
    report(`does not compile: ${compileMessage(error)}`);
    return null;
  }
  const frontmatter = frontmatterSchema.safeParse(result.frontmatter);
  if (!frontmatter.success) {
    describeIssues(frontmatter.error).forEach((m) => report(`frontmatter ${m}`));
    return null;
  }
  // A file block's node must exist in the sandbox this lesson gives (and a lesson without one has no files).
  const nodes = sandboxNodes[frontmatter.data.sandbox];
  for (const { line, node, path } of files) {
    if (node > nodes)
      complain(`line ${line}: file block "${path}" is for node ${node}, but a lesson with sandbox: ${frontmatter.data.sandbox} has ${nodes ? `only ${nodes} node${nodes === 1 ? '' : 's'}` : 'no sandbox'}`);
  }
  if (complaints) return null;
  return { code: result.code, frontmatter: frontmatter.data, headings, checks, files: files.map(({ line: _, ...file }) => file), quizzes };
}

/** esbuild wraps MDX errors as "Build failed with 1 error"; the useful words are in its errors list. */
function compileMessage(error: unknown): string {
  const detail = (error as { errors?: { text?: string }[] }).errors?.[0]?.text;
  const message = detail ?? (error instanceof Error ? error.message : String(error));
  return message.replace(/^Cannot process MDX file with esbuild:\s*/, '').replace(/\s*\n\s*/g, ' ').trim();
}

/* ---- unified plugins: tiny tree walks, so no extra visitor dependency ---- */

interface Node {
  type: string;
  name?: string | null;
  lang?: string | null;
  meta?: string | null;
  attributes?: { type: string; name?: string; value?: unknown }[];
  url?: string;
  tagName?: string;
  value?: string;
  properties?: Record<string, unknown>;
  children?: Node[];
  position?: { start: { line: number } };
}

function walk(node: Node, visit: (node: Node) => void) {
  visit(node);
  node.children?.forEach((child) => walk(child, visit));
}

const at = (node: Node) => (node.position ? `line ${node.position.start.line}: ` : '');

function remarkCheckComponents(report: (message: string) => void) {
  const known = new Set<string>(mdxComponentNames);
  return (tree: Node) =>
    walk(tree, (node) => {
      if (node.type === 'mdxjsEsm' && node.position) report(`${at(node)}import/export is not allowed in lessons; use the provided components`);
      if ((node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name && /^[A-Z]/.test(node.name) && !known.has(node.name))
        report(`${at(node)}unknown component <${node.name}>; known components: ${mdxComponentNames.join(', ')}`);
    });
}

/**
 * <Check> elements, validated against the check schema, each with the `sh` commands written since the
 * previous check: the step the lesson runner performs to make it pass. File blocks (```yaml file=compose.yaml)
 * are validated and listed with the step they belong to, so the runner creates them in the text's order.
 */
function remarkCollectChecks(options: { checks: LessonCheck[]; files: (FileBlock & { line: number })[]; report: (message: string) => void }) {
  return (tree: Node) => {
    let commands: LessonCheck['commands'] = [];
    walk(tree, (node) => {
      const file = node.type === 'code' ? parseFileMeta(node.meta) : null;
      if (file && 'error' in file) return options.report(`${at(node)}file block: ${file.error}`);
      if (file) {
        if (node.lang === 'sh') return options.report(`${at(node)}file block "${file.path}" is an sh block; sh blocks are commands to run (use the file's own language, e.g. text)`);
        const line = node.position?.start.line ?? 0;
        return options.files.push({ path: file.path, node: file.node ?? 1, text: fileBlockText(node.value ?? ''), step: options.checks.length, after: commands.length, line });
      }
      if (node.type === 'code' && node.lang === 'sh' && node.value) commands.push({ script: node.value, node: nodeOfMeta(node.meta) ?? 1 });
      if ((node.type !== 'mdxJsxFlowElement' && node.type !== 'mdxJsxTextElement') || node.name !== 'Check') return;
      const attributes: Record<string, unknown> = {};
      for (const attribute of node.attributes ?? []) {
        if (attribute.type !== 'mdxJsxAttribute' || !attribute.name || (attribute.value !== null && typeof attribute.value !== 'string'))
          return options.report(`${at(node)}<Check> takes only plain text attributes, like name="web"`);
        attributes[attribute.name] = attribute.value ?? 'true';
      }
      const parsed = checkSchema.safeParse(attributes);
      if (!parsed.success) return describeIssues(parsed.error).forEach((m) => options.report(`${at(node)}<Check> ${m}`));
      if (options.checks.some((c) => c.check.id === parsed.data.id)) return options.report(`${at(node)}<Check> id "${parsed.data.id}" is used twice`);
      options.checks.push({ check: parsed.data, commands });
      commands = [];
    });
  };
}

/** Lesson links are written locale-free as /module/lesson and must point at a real lesson. */
function remarkLessonLinks(options: { locale: Locale; knownLessons: Set<string>; report: (message: string) => void }) {
  return (tree: Node) =>
    walk(tree, (node) => {
      if (node.type !== 'link' || !node.url) return;
      const url = node.url;
      if (/^(https?:|mailto:|#)/.test(url)) return;
      const match = /^\/([a-z0-9-]+\/[a-z0-9-]+)(#.*)?$/.exec(url);
      if (!match) {
        options.report(`${at(node)}link "${url}" is neither an http(s) link nor a lesson link like /module/lesson`);
      } else if (!options.knownLessons.has(match[1]!)) {
        options.report(`${at(node)}link "${url}" points to a lesson that does not exist`);
      } else {
        node.url = `/${options.locale}${url}`;
      }
    });
}

function rehypeCollectHeadings(headings: Heading[]) {
  const text = (node: Node): string => node.value ?? (node.children ?? []).map(text).join('');
  return (tree: Node) =>
    walk(tree, (node) => {
      if (node.type === 'element' && node.tagName === 'h2' && typeof node.properties?.id === 'string')
        headings.push({ id: node.properties.id, text: text(node) });
    });
}

/** Lets the code block component know the language (e.g. to offer "run" on sh blocks). */
/** ```sh node2 runs on node2 of a lab: the meta word names the node. Without one, the shell in view runs it. */
export function nodeOfMeta(meta: string | null | undefined): number | undefined {
  const named = /(?:^|\s)node([1-9])(?:\s|$)/.exec(meta ?? '');
  return named ? Number(named[1]) : undefined;
}

const tagLanguage = {
  pre(this: { options: { lang: string; meta?: { __raw?: string } } }, node: Node) {
    const file = parseFileMeta(this.options.meta?.__raw);
    // A file block's header needs its path; its node badge comes from node=N (the build already refused bad ones).
    const fileProperties = file && !('error' in file) ? { 'data-file': file.path, ...(file.node ? { 'data-node': String(file.node) } : {}) } : null;
    const onNode = nodeOfMeta(this.options.meta?.__raw);
    node.properties = { ...node.properties, 'data-language': this.options.lang, ...(fileProperties ?? (onNode ? { 'data-node': String(onNode) } : {})) };
  },
};
