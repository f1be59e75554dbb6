import Link from 'next/link';
import type { ComponentProps, ReactNode } from 'react';
import type { Locale } from '@/lib/i18n';
import { format } from '@/lib/i18n/format';
import { messages } from '@/lib/i18n/messages';
import { Callout } from './Callout';
import { CheckButton } from './CheckButton.client';
import { CopyButton } from './CopyButton.client';
import { FileBlockButton } from './FileBlock.client';
import { RunButton } from './RunButton.client';
import type { MdxComponentName } from '../../lib/content/component-names';
import { StackDiagram } from './StackDiagram';
import { Quiz, QuizOption, QuizQuestion } from './Quiz';
import { nodeName } from '@/lib/terminal-protocol';

function Heading({ as: Tag, id, children, anchorLabel }: { as: 'h2' | 'h3'; id?: string; children?: ReactNode; anchorLabel: string }) {
  return (
    <Tag id={id} className="group scroll-mt-20">
      {children}
      {id && (
        <a href={`#${id}`} aria-label={anchorLabel} className="ml-2 font-normal text-slate-500 no-underline dark:text-slate-400 opacity-0 group-hover:opacity-100 focus:opacity-100">
          #
        </a>
      )}
    </Tag>
  );
}

function Anchor({ href = '', ...props }: ComponentProps<'a'>) {
  if (href.startsWith('/')) return <Link href={href} {...props} />;
  if (href.startsWith('#')) return <a href={href} {...props} />;
  return <a href={href} target="_blank" rel="noopener noreferrer" {...props} />;
}

/** The one components map for lessons, per locale (callout titles and button labels are interface text). */
function createComponents(locale: Locale) {
  const t = messages[locale];
  const label = t.callouts;
  const named = {
    Note: (props: { children: ReactNode }) => <Callout variant="note" label={label.note} {...props} />,
    Tip: (props: { children: ReactNode }) => <Callout variant="tip" label={label.tip} {...props} />,
    Warning: (props: { children: ReactNode }) => <Callout variant="warning" label={label.warning} {...props} />,
    StackDiagram,
    // Only the id reaches the browser: the check itself (and a challenge's solution) stays on the server.
    Check: ({ id }: { id: string }) => <CheckButton id={id} labels={t.checks} />,
    // Likewise a quiz: the page gets its words; which options are right, and why, stay with the server.
    Quiz: (props: { id: string; multiple?: boolean; children?: ReactNode }) => <Quiz {...props} labels={t.quiz} />,
    Question: QuizQuestion,
    Option: QuizOption,
  } satisfies Record<MdxComponentName, unknown>;
  return {
    ...named,
    h2: (props: ComponentProps<'h2'>) => <Heading as="h2" anchorLabel={t.anchorLabel} {...props} />,
    h3: (props: ComponentProps<'h3'>) => <Heading as="h3" anchorLabel={t.anchorLabel} {...props} />,
    a: Anchor,
    pre: (props: ComponentProps<'pre'> & { 'data-language'?: string; 'data-node'?: string; 'data-file'?: string }) =>
      props['data-file'] ? (
        <FileCode {...props} path={props['data-file']} node={Number(props['data-node']) || undefined} t={t} />
      ) : (
        <div data-code-block className="not-prose group relative my-5">
          {props['data-node'] && (
            <span className="absolute -top-2.5 left-3 rounded bg-sky-700 px-1.5 text-xs font-medium text-white" title={format(t.runsOn, { node: nodeName(Number(props['data-node']) - 1) })}>
              {nodeName(Number(props['data-node']) - 1)}
            </span>
          )}
          <pre {...props} className={`${props.className ?? ''} overflow-x-auto rounded-lg border border-slate-200 p-4 text-sm leading-relaxed dark:border-slate-700`} />
          <div className="absolute top-2 right-2 flex gap-1.5 opacity-0 transition group-focus-within:opacity-100 group-hover:opacity-100 pointer-coarse:opacity-100">
            {props['data-language'] === 'sh' && <RunButton label={t.run} title={t.runTitle} />}
            <CopyButton label={t.copy} doneLabel={t.copied} />
          </div>
        </div>
      ),
  };
}

/** A block that creates a file: a header naming the file (and its lab node), with the button that writes it and Copy. */
function FileCode({ path, node, t, ...props }: ComponentProps<'pre'> & { path: string; node?: number; t: (typeof messages)[Locale] }) {
  const nodeLabel = node ? nodeName(node - 1) : null;
  return (
    <div data-code-block data-file-block={path} className="not-prose my-5 overflow-hidden rounded-lg border border-slate-300 dark:border-slate-600">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-300 bg-slate-100 px-3 py-1.5 dark:border-slate-600 dark:bg-slate-800">
        <span className="flex items-center gap-2 font-mono text-sm text-slate-800 dark:text-slate-100">
          <svg width="12" height="14" viewBox="0 0 12 14" aria-hidden="true" className="shrink-0">
            <path d="M1 1h6l4 4v8H1z M7 1v4h4" fill="none" stroke="currentColor" strokeWidth="1.2" />
          </svg>
          {path}
          {nodeLabel && (
            <span className="rounded bg-sky-800 px-1.5 font-sans text-xs font-medium text-white" title={format(t.fileBlock.onNode, { node: nodeLabel })}>
              {nodeLabel}
            </span>
          )}
        </span>
        <div className="flex items-center gap-1.5">
          <FileBlockButton path={path} node={node} labels={t.fileBlock} errors={t.workspace.errors} />
          <CopyButton label={t.copy} doneLabel={t.copied} />
        </div>
      </div>
      <pre {...props} className={`${props.className ?? ''} overflow-x-auto p-4 text-sm leading-relaxed`} />
    </div>
  );
}

export const mdxComponents: Record<Locale, ReturnType<typeof createComponents>> = {
  en: createComponents('en'),
  ko: createComponents('ko'),
};
