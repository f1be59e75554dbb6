import { linter } from '@codemirror/lint';
import type { Extension } from '@codemirror/state';
import { yamlFileProblems } from './compose-check';
import { diagnosticOf } from './lint';
import type { WorkspaceWords } from './words';

/** YAML syntax errors, and in a Compose file its mistakes against the Compose schema, underlined. */
export function yamlSupport(t: WorkspaceWords, compose: boolean): Extension {
  return linter((view) => yamlFileProblems(view.state.doc.toString(), t, compose).map((problem) => diagnosticOf(problem, t)), { delay: 300 });
}
