import type { CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { linter } from '@codemirror/lint';
import { EditorState, type Extension } from '@codemirror/state';
import { hoverTooltip } from '@codemirror/view';
import { dockerfileCompletions, dockerfileHover, dockerfileProblems } from './dockerfile-check';
import { diagnosticOf, markdownElement } from './lint';
import type { WorkspaceWords } from './words';

/** The Docker language server's checks, completion and documentation, in CodeMirror's terms. */
export function dockerfileSupport(t: WorkspaceWords): Extension {
  const complete = async (context: CompletionContext): Promise<CompletionResult | null> => {
    const word = context.matchBefore(/[\w-]*/);
    if (!context.explicit && (!word || word.from === word.to)) return null;
    const options = await dockerfileCompletions(context.state.doc.toString(), context.pos);
    if (!options.length) return null;
    return {
      from: options[0]!.from,
      options: options.map((option) => ({
        label: option.label,
        apply: option.insert,
        type: option.kind,
        info: () => {
          const documentation = option.documentation();
          return documentation ? markdownElement(documentation, t) : null;
        },
      })),
      validFor: /^[\w-]*$/,
    };
  };
  return [
    linter((view) => dockerfileProblems(view.state.doc.toString()).map((problem) => diagnosticOf(problem, t)), { delay: 300 }),
    EditorState.languageData.of(() => [{ autocomplete: complete }]),
    hoverTooltip((view, pos) => {
      const documentation = dockerfileHover(view.state.doc.toString(), pos);
      if (!documentation) return null;
      return { pos, above: true, create: () => ({ dom: markdownElement(documentation, t) }) };
    }),
  ];
}
