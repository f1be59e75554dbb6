/**
 * CodeMirror 6 with the language of the file, the site's theme and the terminal's font size. This module
 * and everything it imports load only when the editor is first opened, or in idle time after the
 * terminal's prompt is up (components/workspace/load.ts): never with the lesson page. The Docker
 * language support (the Dockerfile language service, YAML with the Compose schema) loads in a further
 * step, when a file of that kind is opened.
 */
import { indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile';
import { python } from '@codemirror/legacy-modes/mode/python';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { Compartment, EditorState, Prec, type Extension } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { basicSetup } from 'codemirror';
import { format } from '@/lib/i18n/format';
import { monospaceFamily } from '@/components/terminal/font';
import { languageOf, type Language } from './language';
import type { WorkspaceWords } from './words';

export interface EditorOptions {
  parent: HTMLElement;
  path: string;
  text: string;
  dark: boolean;
  fontSize: number;
  t: WorkspaceWords;
  /** The element that tells how to save and how to leave the editor. */
  hintId: string;
  /** After edits (at once; the caller decides how often to act on them). */
  onChange: () => void;
  onSave: () => void;
}

export interface EditorHandle {
  text(): string;
  /** Replaces the whole text as one edit, which Ctrl+Z takes back. */
  replace(text: string): void;
  setDark(dark: boolean): void;
  setFontSize(size: number): void;
  focus(): void;
  destroy(): void;
}

/** Colours chosen for at least 4.5:1 against their background (WCAG AA), in both themes. */
const palettes = {
  light: { focus: '#0284c7', background: '#ffffff', text: '#0f172a', gutter: '#f8fafc', gutterText: '#475569', activeLine: '#f1f5f9', selection: '#bfdbfe', tooltip: '#f8fafc', border: '#cbd5e1', keyword: '#6d28d9', string: '#047857', comment: '#57534e', number: '#b45309', property: '#1d4ed8', atom: '#be123c', meta: '#4338ca' },
  dark: { focus: '#38bdf8', background: '#020617', text: '#e2e8f0', gutter: '#020617', gutterText: '#94a3b8', activeLine: '#0f172a', selection: '#334155', tooltip: '#1e293b', border: '#334155', keyword: '#c4b5fd', string: '#86efac', comment: '#a8a29e', number: '#fcd34d', property: '#93c5fd', atom: '#fda4af', meta: '#a5b4fc' },
};

function themeOf(dark: boolean): Extension {
  const c = dark ? palettes.dark : palettes.light;
  const theme = EditorView.theme(
    {
      '&': { color: c.text, backgroundColor: c.background, height: '100%' },
      // Where the keyboard is, plainly: the same ring as the site's other controls.
      '&.cm-focused': { outline: `2px solid ${c.focus}`, outlineOffset: '-2px' },
      '.cm-scroller': { fontFamily: monospaceFamily },
      '.cm-content': { caretColor: c.text },
      '.cm-cursor, .cm-dropCursor': { borderLeftColor: c.text },
      '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': { backgroundColor: c.selection },
      '.cm-activeLine': { backgroundColor: c.activeLine },
      '.cm-gutters': { backgroundColor: c.gutter, color: c.gutterText, borderRight: `1px solid ${c.border}` },
      '.cm-activeLineGutter': { backgroundColor: c.activeLine, color: c.text },
      '.cm-tooltip': { backgroundColor: c.tooltip, color: c.text, border: `1px solid ${c.border}` },
      '.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: '#0369a1', color: '#ffffff' },
      '.cm-completionInfo, .cm-workspace-doc': { maxWidth: '28rem', whiteSpace: 'pre-wrap', padding: '4px 8px', fontFamily: 'inherit' },
      '.cm-workspace-doc pre': { fontFamily: monospaceFamily, margin: '4px 0' },
      '.cm-workspace-doc a': { color: c.property },
      '.cm-diagnostic': { color: c.text },
      '.cm-panels': { backgroundColor: c.tooltip, color: c.text },
      '.cm-panels input, .cm-panels button': { color: c.text },
      '.cm-foldPlaceholder': { backgroundColor: c.activeLine, color: c.text, border: `1px solid ${c.border}` },
      '.cm-searchMatch': { outline: `1px solid ${c.number}`, backgroundColor: 'transparent' },
    },
    { dark },
  );
  const highlight = HighlightStyle.define([
    { tag: [tags.keyword, tags.controlKeyword, tags.operatorKeyword, tags.definitionKeyword, tags.moduleKeyword], color: c.keyword },
    { tag: [tags.string, tags.special(tags.string), tags.regexp], color: c.string },
    { tag: [tags.comment, tags.lineComment, tags.blockComment], color: c.comment, fontStyle: 'italic' },
    { tag: [tags.number, tags.bool, tags.null], color: c.number },
    { tag: [tags.propertyName, tags.definition(tags.propertyName), tags.variableName, tags.special(tags.variableName)], color: c.property },
    { tag: [tags.atom, tags.typeName, tags.className, tags.labelName], color: c.atom },
    { tag: [tags.meta, tags.processingInstruction, tags.annotation], color: c.meta },
    { tag: tags.invalid, color: c.atom, textDecoration: 'underline' },
  ]);
  return [theme, syntaxHighlighting(highlight)];
}

const fontSizeOf = (size: number) => EditorView.theme({ '&': { fontSize: `${size}px` } });

function highlighting(language: Language): Extension {
  switch (language) {
    case 'dockerfile':
      return StreamLanguage.define(dockerFile);
    case 'compose':
    case 'yaml':
      return yaml();
    case 'shell':
      return StreamLanguage.define(shell);
    case 'python':
      return StreamLanguage.define(python);
    default:
      return [];
  }
}

/** Diagnostics, completion and documentation, from the Docker libraries, loaded with the first such file. */
async function support(language: Language, t: WorkspaceWords): Promise<Extension> {
  if (language === 'dockerfile') return (await import('./dockerfile-support')).dockerfileSupport(t);
  if (language === 'compose' || language === 'yaml') return (await import('./yaml-support')).yamlSupport(t, language === 'compose');
  return [];
}

export function createEditor({ parent, path, text, dark, fontSize, t, hintId, onChange, onSave }: EditorOptions): EditorHandle {
  const language = languageOf(path);
  const theme = new Compartment();
  const size = new Compartment();
  const languageSupport = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        keymap.of([indentWithTab]),
        Prec.highest(keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => (onSave(), true) }])),
        EditorView.contentAttributes.of({ 'aria-label': format(t.editorLabel, { path }), 'aria-describedby': hintId }),
        EditorView.updateListener.of((update) => update.docChanged && onChange()),
        theme.of(themeOf(dark)),
        size.of(fontSizeOf(fontSize)),
        highlighting(language),
        languageSupport.of([]),
      ],
    }),
  });
  let live = true;
  void support(language, t).then(
    (extension) => live && view.dispatch({ effects: languageSupport.reconfigure(extension) }),
    // Without the language support the file still edits and saves.
    () => {},
  );
  return {
    text: () => view.state.doc.toString(),
    replace: (next) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } }),
    setDark: (on) => view.dispatch({ effects: theme.reconfigure(themeOf(on)) }),
    setFontSize: (next) => view.dispatch({ effects: size.reconfigure(fontSizeOf(next)) }),
    focus: () => view.focus(),
    destroy: () => {
      live = false;
      view.destroy();
    },
  };
}
