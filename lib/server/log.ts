import '#server-only';

/**
 * The server's log: one JSON line per event, `{"time","level","event",...fields}`, info on stdout and
 * warnings and errors on stderr, so a log shipper can read it without parsing prose. A log is read by
 * more people than a learner's secrets may reach: every field is scrubbed of tokens, cookies and full
 * session ids before it is written.
 */
export type Level = 'info' | 'warn' | 'error';
export type Fields = Record<string, unknown>;
export type Logger = Record<Level, (event: string, fields?: Fields) => void>;

/** A learner as the log names them: the first 8 hex characters of their session id, enough to follow one learner, useless to act as them. */
export const learnerId = (session: string) => session.slice(0, 8);

const secretKey = /token|cookie|secret|authorization|password/i;
const redacted = '[redacted]';

/** What a string would give away, taken out: signed tokens, Bearer values, the course's cookies, preview capabilities, long hex ids. */
function scrubText(text: string): string {
  return text
    .replace(/\b[0-9a-f]{32}\.[A-Za-z0-9_-]{43}/g, redacted)
    .replace(/(Bearer\s+)\S+/gi, `$1${redacted}`)
    .replace(/\b(course_[A-Za-z0-9_]*=)[^;\s]+/g, `$1${redacted}`)
    .replace(/(course-token\.)\S+/g, `$1${redacted}`)
    .replace(/(\/preview\/)[^/\s]+/g, `$1${redacted}`)
    .replace(/\b([0-9a-f]{8})[0-9a-f]{24,}\b/g, '$1');
}

function scrub(value: unknown, key = '', depth = 0): unknown {
  if (key && secretKey.test(key)) return redacted;
  if (typeof value === 'string') return scrubText(value);
  if (value instanceof Error) return scrubText(value.message);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '[deep]';
  if (Array.isArray(value)) return value.map((item) => scrub(item, '', depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, k, depth + 1)]));
}

type Sink = (level: Level, line: string) => void;

const standardStreams: Sink = (level, line) => (level === 'info' ? process.stdout : process.stderr).write(line);

export function createLogger(sink: Sink = standardStreams, now: () => Date = () => new Date()): Logger {
  const write = (level: Level) => (event: string, fields: Fields = {}) => {
    const entry: Fields = { time: now().toISOString(), level, event: scrubText(event) };
    for (const [key, value] of Object.entries(fields)) if (!(key in entry)) entry[key] = scrub(value, key);
    sink(level, `${JSON.stringify(entry)}\n`);
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/** The server's one log. */
export const log = createLogger();
