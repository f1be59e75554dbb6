import type { Diagnostic } from '@codemirror/lint';
import type { Problem } from './problem';
import type { WorkspaceWords } from './words';

/**
 * A problem as CodeMirror underlines it. A message that only exists in English keeps its words, marked
 * `lang="en"` (so a screen reader reads it as English) and, for a learner of another language, preceded
 * by a note that says so.
 */
export function diagnosticOf(problem: Problem, t: WorkspaceWords): Diagnostic {
  const note = problem.english ? t.english : '';
  return {
    from: problem.from,
    to: problem.to,
    severity: problem.severity,
    message: note + problem.message,
    renderMessage: () => {
      const message = document.createElement('span');
      if (!problem.english) {
        message.textContent = problem.message;
        return message;
      }
      if (note) message.append(note);
      const english = document.createElement('span');
      english.lang = 'en';
      english.textContent = problem.message;
      message.append(english);
      return message;
    },
  };
}

/** Documentation written in Markdown (the Dockerfile reference's), as plain elements: text, code blocks, links. */
export function markdownElement(markdown: string, t: WorkspaceWords): HTMLElement {
  const box = document.createElement('div');
  box.className = 'cm-workspace-doc';
  box.lang = 'en';
  if (t.english) {
    const note = document.createElement('p');
    note.lang = '';
    note.textContent = t.english.trim();
    box.append(note);
  }
  markdown.split(/```[^\n]*\n?/).forEach((part, index) => {
    const text = part.trim();
    if (!text) return;
    if (index % 2) {
      const code = document.createElement('pre');
      code.textContent = text;
      box.append(code);
      return;
    }
    for (const paragraph of text.split(/\n{2,}/)) {
      const line = document.createElement('p');
      // [words](https://…): a link that opens in a new tab; anything else stays text.
      let rest = paragraph;
      for (let match = /\[([^\]]+)\]\((https:\/\/[^)\s]+)\)/.exec(rest); match; match = /\[([^\]]+)\]\((https:\/\/[^)\s]+)\)/.exec(rest)) {
        line.append(rest.slice(0, match.index).replace(/`/g, ''));
        const link = document.createElement('a');
        link.href = match[2]!;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        link.textContent = match[1]!;
        line.append(link);
        rest = rest.slice(match.index + match[0].length);
      }
      line.append(rest.replace(/`/g, ''));
      box.append(line);
    }
  });
  return box;
}
