/** Which language the editor gives a file, from its name alone (the sandbox's files carry no type). */
export type Language = 'dockerfile' | 'compose' | 'yaml' | 'shell' | 'python' | 'plain';

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

export function languageOf(path: string): Language {
  const name = baseName(path);
  const lower = name.toLowerCase();
  if (/^(dockerfile|containerfile)(\..+)?$/.test(lower) || lower.endsWith('.dockerfile')) return 'dockerfile';
  // compose.yaml, docker-compose.yml, and the files Compose merges with them (compose.override.yaml, compose.prod.yaml).
  if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(lower)) return 'compose';
  if (/\.ya?ml$/.test(lower)) return 'yaml';
  if (/\.(sh|bash)$/.test(lower) || lower === '.bashrc' || lower === '.profile' || lower === '.bash_profile') return 'shell';
  if (lower.endsWith('.py')) return 'python';
  return 'plain';
}
