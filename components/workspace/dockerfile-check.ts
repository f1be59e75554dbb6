/**
 * Dockerfile diagnostics, completion and hover documentation from the Docker language server's own
 * libraries (dockerfile-language-service, which runs dockerfile-utils' validator), as plain functions of
 * the text, so they run the same in the browser and in tests. Their messages are in English.
 */
import { DockerfileLanguageServiceFactory, type DockerfileLanguageService } from 'dockerfile-language-service';
import type { Problem } from './problem';

let service: DockerfileLanguageService | null = null;
function languageService(): DockerfileLanguageService {
  if (service) return service;
  service = DockerfileLanguageServiceFactory.createLanguageService();
  service.setCapabilities({ completion: { completionItem: { snippetSupport: false, documentationFormat: ['plaintext'] } }, hover: { contentFormat: ['markdown'] } });
  return service;
}

/** The language server counts in lines and UTF-16 characters; the editor in offsets. */
export interface Position {
  line: number;
  character: number;
}

export function offsetAt(text: string, { line, character }: Position): number {
  let start = 0;
  for (let i = 0; i < line; i++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return text.length;
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return Math.min(start + character, end < 0 ? text.length : end);
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

const severities: Record<number, Problem['severity']> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'info' };

export function dockerfileProblems(text: string): Problem[] {
  return languageService()
    .validate(text)
    .map((diagnostic) => {
      const from = offsetAt(text, diagnostic.range.start);
      return { from, to: Math.max(from, offsetAt(text, diagnostic.range.end)), severity: severities[diagnostic.severity ?? 1] ?? 'error', message: diagnostic.message, english: true };
    });
}

export interface DockerfileCompletion {
  label: string;
  /** Where the completed word starts. */
  from: number;
  insert: string;
  kind: 'keyword' | 'property' | 'variable' | 'text';
  /** Documentation of an instruction, asked for only when the option is shown. */
  documentation: () => string | null;
}

/** LSP CompletionItemKind: 14 keyword, 10 property (flags), 6 variable. */
const kinds: Record<number, DockerfileCompletion['kind']> = { 14: 'keyword', 10: 'property', 6: 'variable' };

export async function dockerfileCompletions(text: string, offset: number): Promise<DockerfileCompletion[]> {
  const items = await languageService().computeCompletionItems(text, positionAt(text, offset));
  return items.map((item) => {
    const edit = item.textEdit && 'range' in item.textEdit ? item.textEdit : null;
    return {
      label: item.label,
      from: edit ? offsetAt(text, edit.range.start) : offset,
      insert: edit?.newText ?? item.insertText ?? item.label,
      kind: kinds[item.kind ?? 0] ?? 'text',
      documentation: () => {
        const resolved = languageService().resolveCompletionItem(item).documentation;
        return typeof resolved === 'string' ? resolved : (resolved?.value ?? null);
      },
    };
  });
}

/** The documentation of what is under the pointer (an instruction, a flag, a directive), in Markdown. */
export function dockerfileHover(text: string, offset: number): string | null {
  const hover = languageService().computeHover(text, positionAt(text, offset));
  if (!hover) return null;
  const contents = hover.contents;
  if (typeof contents === 'string') return contents;
  if (Array.isArray(contents)) return contents.map((part) => (typeof part === 'string' ? part : part.value)).join('\n\n');
  return contents.value;
}
