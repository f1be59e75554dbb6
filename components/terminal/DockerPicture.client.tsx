import { useEffect, useRef, useState, type ReactNode } from 'react';
import { diffStates, formatBytes, layerUse, type Change, type Container, type DockerState } from '@/lib/docker-state';
import type { Locale } from '@/lib/i18n';
import { messages, type Messages } from '@/lib/i18n/messages';

type T = Messages['dockerState'];
type Mark = 'added' | 'changed';
/** How long what the last command changed stays highlighted. */
const highlightMs = 5000;
/** Pictures this soon after the first of a burst are one command's doing (created, then started). */
const burstMs = 800;

const stateDot: Record<string, string> = {
  running: 'bg-emerald-500',
  restarting: 'bg-amber-500',
  paused: 'bg-amber-500',
  created: 'bg-sky-500',
  exited: 'bg-slate-400',
  dead: 'bg-red-500',
};

const markClass = (mark: Mark | undefined) =>
  mark ? 'ring-2 ring-amber-400 dark:ring-amber-300 motion-safe:transition-shadow' : '';

/** A colour per shared layer, the same in every image that holds it. */
function layerColour(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) % 360;
  return `hsl(${hash} 70% 50%)`;
}

/** The name a learner knows an object by, from its key ("containers:<id>"), in either picture. */
function nameOf(key: string, ...states: DockerState[]): string {
  const [kind, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  for (const state of states) {
    const found =
      kind === 'containers' ? state.containers.find((c) => c.id === id)?.name
      : kind === 'images' ? (state.images.find((i) => i.id === id)?.tags[0] ?? (state.images.some((i) => i.id === id) ? id : undefined))
      : kind === 'networks' ? state.networks.find((n) => n.id === id)?.name
      : kind === 'nodes' ? state.swarm?.nodes.find((n) => n.id === id)?.hostname
      : kind === 'services' ? state.swarm?.services.find((s) => s.id === id)?.name
      : id;
    if (found) return found;
  }
  return id;
}

/** One sentence for screen readers (and everyone): what the last change did. */
function describe(change: Change, before: DockerState, after: DockerState, t: T): string {
  const kindOf = (key: string) => t.kind[key.slice(0, key.indexOf(':')) as keyof T['kind']] ?? '';
  const part = (label: string, keys: string[]) => (keys.length ? `${label}: ${keys.slice(0, 6).map((key) => `${kindOf(key)} ${nameOf(key, after, before)}`).join(', ')}${keys.length > 6 ? `, ${t.more(keys.length - 6)}` : ''}` : '');
  return [part(t.added, change.added), part(t.changed, change.changed), part(t.removed, change.removed)].filter(Boolean).join('. ') || t.noChange;
}

/**
 * What the last command changed: highlighted for a few seconds, and said in words. One command can
 * bring several pictures (a container created, then started), so pictures that come soon after
 * another are compared with the one before the first of them.
 */
function useChanges(state: DockerState, t: T) {
  const previous = useRef<DockerState | null>(null);
  const beforeBurst = useRef<DockerState | null>(null);
  const timers = useRef<{ burst?: ReturnType<typeof setTimeout>; marks?: ReturnType<typeof setTimeout> }>({});
  const [marks, setMarks] = useState<Map<string, Mark>>(new Map());
  const [sentence, setSentence] = useState('');
  useEffect(() => {
    const before = previous.current;
    previous.current = state;
    if (!before) return;
    if (!beforeBurst.current) {
      beforeBurst.current = before;
      timers.current.burst = setTimeout(() => (beforeBurst.current = null), burstMs);
    }
    const change = diffStates(beforeBurst.current, state);
    // Only a status text aged (the server sends it with other news): nothing to tell.
    if (beforeBurst.current === before && !change.added.length && !change.changed.length && !change.removed.length) return;
    setMarks(new Map([...change.added.map((key) => [key, 'added'] as const), ...change.changed.map((key) => [key, 'changed'] as const)]));
    setSentence(describe(change, beforeBurst.current, state, t));
    clearTimeout(timers.current.marks);
    timers.current.marks = setTimeout(() => setMarks(new Map()), highlightMs);
  }, [state, t]);
  useEffect(() => () => [timers.current.burst, timers.current.marks].forEach((timer) => clearTimeout(timer)), []);
  return { marks, sentence };
}

/** An object the learner can click for its key facts. */
function ObjectButton({ id, kind, name, mark, selected, onSelect, className = '', children }: { id: string; kind: string; name: string; mark?: Mark; selected: boolean; onSelect: (key: string) => void; className?: string; children: ReactNode }) {
  return (
    <button
      type="button"
      data-testid={kind}
      data-name={name}
      data-mark={mark}
      aria-pressed={selected}
      onClick={() => onSelect(`${kind}s:${id}`)}
      className={`rounded border text-left focus-visible:outline-2 focus-visible:outline-sky-500 ${selected ? 'border-sky-500 bg-sky-50 dark:bg-sky-950' : 'border-slate-300 bg-slate-50 hover:border-slate-400 dark:border-slate-700 dark:bg-slate-900 dark:hover:border-slate-500'} ${markClass(mark)} ${className}`}
    >
      {children}
    </button>
  );
}

function Section({ title, count, more, t, children }: { title: string; count: number; more: number; t: T; children: ReactNode }) {
  return (
    <details open className="mt-2">
      <summary className="cursor-pointer text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400">
        <h3 className="inline">
          {title} ({count + more})
        </h3>
      </summary>
      <div className="mt-1">
        {count === 0 ? <p className="text-xs text-slate-500">{t.none}</p> : children}
        {more > 0 && <p className="mt-1 text-xs text-slate-500">{t.more(more)}</p>}
      </div>
    </details>
  );
}

/** The facts `docker inspect` would give first, in words. */
function facts(key: string, state: DockerState, t: T): [string, string][] | undefined {
  const f = t.facts;
  const id = key.slice(key.indexOf(':') + 1);
  const list = (items: string[]) => (items.length ? items.join(', ') : f.none);
  if (key.startsWith('containers:')) {
    const c = state.containers.find((x) => x.id === id);
    return c && [[f.name, c.name], [f.id, c.id], [f.image, c.image], [f.state, c.state], [f.status, c.status], [f.ports, list(c.ports)], [f.networks, list(c.networks)], [f.mounts, list(c.mounts.map((m) => `${m.volume ?? m.source} → ${m.destination}`))]];
  }
  if (key.startsWith('images:')) {
    const image = state.images.find((x) => x.id === id);
    const use = layerUse(state.images);
    return image && [[f.tags, list(image.tags)], [f.id, image.id], [f.size, formatBytes(image.size)], [f.layers, String(image.layers.length + image.moreLayers)], [f.sharedLayers, String(image.layers.filter((l) => (use.get(l.id) ?? 0) > 1).length)]];
  }
  if (key.startsWith('networks:')) {
    const n = state.networks.find((x) => x.id === id);
    return n && [[f.name, n.name], [f.id, n.id], [f.driver, n.driver], [f.scope, n.scope], [f.containers, list(state.containers.filter((c) => c.networks.includes(n.name)).map((c) => c.name))]];
  }
  if (key.startsWith('volumes:')) {
    const v = state.volumes.find((x) => x.name === id);
    return v && [[f.name, v.name], [f.driver, v.driver], [f.mounts, list(state.containers.flatMap((c) => c.mounts.filter((m) => m.volume === v.name).map((m) => `${c.name} → ${m.destination}`)))]];
  }
  if (key.startsWith('nodes:')) {
    const n = state.swarm?.nodes.find((x) => x.id === id);
    return n && [[f.name, n.hostname], [f.id, n.id], [f.role, n.role], [f.state, n.state], [f.availability, n.availability], [f.leader, n.leader ? f.yes : '—'], [f.tasks, String(state.swarm!.tasks.filter((task) => task.node === n.id).length)]];
  }
  if (key.startsWith('tasks:')) {
    const task = state.swarm?.tasks.find((x) => x.id === id);
    const service = state.swarm?.services.find((s) => s.id === task?.service);
    return task && [[f.id, task.id], [f.service, service?.name ?? task.service], [f.image, service?.image ?? ''], [f.node, state.swarm!.nodes.find((n) => n.id === task.node)?.hostname ?? task.node], [f.state, task.state], [f.desired, task.desired]];
  }
  return undefined;
}

function ContainerCard({ c, ...rest }: { c: Container; mark?: Mark; selected: boolean; onSelect: (key: string) => void }) {
  return (
    <ObjectButton id={c.id} kind="container" name={c.name} className="w-44 px-2 py-1 text-xs" {...rest}>
      <span className="flex items-center gap-1.5 font-medium">
        <span aria-hidden="true" className={`h-2 w-2 shrink-0 rounded-full ${stateDot[c.state] ?? 'bg-slate-400'}`} />
        <span className="truncate">{c.name}</span>
      </span>
      <span className="block truncate text-slate-500 dark:text-slate-400">
        {c.image} · {c.state}
      </span>
      {c.ports.length > 0 && <span className="block truncate text-emerald-700 dark:text-emerald-400">{c.ports.join(', ')}</span>}
    </ObjectButton>
  );
}

/** The Docker objects of one node, drawn as groups: what runs, what it is made of, what joins it. */
export function DockerPicture({ state, locale }: { state: DockerState; locale: Locale }) {
  const t = messages[locale].dockerState;
  const { marks, sentence } = useChanges(state, t);
  const [selected, setSelected] = useState<string | null>(null);
  const select = (key: string) => setSelected((current) => (current === key ? null : key));
  const props = (key: string) => ({ mark: marks.get(key), selected: selected === key, onSelect: select });
  const running = state.containers.filter((c) => c.state === 'running');
  const stopped = state.containers.filter((c) => c.state !== 'running');
  const use = layerUse(state.images);
  const details = selected && facts(selected, state, t);
  const swarm = state.swarm;

  return (
    <div className="text-sm">
      <p aria-live="polite" data-testid="docker-state-change" className="min-h-5 truncate pt-1 text-xs text-slate-600 dark:text-slate-400" title={sentence}>
        {sentence}
      </p>
      {details && (
        <div data-testid="docker-state-details" className="sticky top-0 z-10 mt-1 rounded border border-sky-500 bg-white p-2 text-xs shadow dark:bg-slate-900">
          <div className="flex items-center justify-between">
            <h3 className="font-semibold">{t.details}</h3>
            <button type="button" onClick={() => setSelected(null)} className="rounded px-1 hover:bg-slate-100 dark:hover:bg-slate-800" aria-label={t.closeDetails}>
              ×
            </button>
          </div>
          <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5">
            {details.map(([label, value]) => (
              <div key={label} className="contents">
                <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
                <dd className="break-all">{value}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}

      <Section title={t.kinds.containers} count={state.containers.length} more={state.more.containers} t={t}>
        {[
          [t.running, running],
          [t.stopped, stopped],
        ].map(([label, group]) =>
          (group as Container[]).length ? (
            <div key={label as string} className="mb-1">
              <h4 className="text-xs text-slate-500 dark:text-slate-400">{label as string}</h4>
              <ul className="mt-0.5 flex flex-wrap gap-1.5">
                {(group as Container[]).map((c) => (
                  <li key={c.id}>
                    <ContainerCard c={c} {...props(`containers:${c.id}`)} />
                  </li>
                ))}
              </ul>
            </div>
          ) : null,
        )}
      </Section>

      <Section title={t.kinds.networks} count={state.networks.length} more={state.more.networks} t={t}>
        <ul className="flex flex-wrap gap-1.5">
          {state.networks.map((n) => {
            const attached = state.containers.filter((c) => c.networks.includes(n.name));
            return (
              <li key={n.id} data-network={n.name} className="rounded-md border border-dashed border-sky-400 p-1 dark:border-sky-700">
                <ObjectButton id={n.id} kind="network" name={n.name} className="px-1.5 py-0.5 text-xs font-medium" {...props(`networks:${n.id}`)}>
                  {n.name} <span className="font-normal text-slate-500">· {n.driver}</span>
                </ObjectButton>
                {attached.length > 0 && (
                  <ul aria-label={t.attached} className="mt-1 flex flex-wrap gap-1">
                    {attached.map((c) => (
                      <li key={c.id} data-testid="attachment" data-name={c.name} className="flex items-center gap-1 rounded bg-sky-100 px-1.5 text-xs text-sky-900 dark:bg-sky-950 dark:text-sky-200">
                        <span aria-hidden="true" className={`h-1.5 w-1.5 rounded-full ${stateDot[c.state] ?? 'bg-slate-400'}`} />
                        {c.name}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ul>
      </Section>

      <Section title={t.kinds.volumes} count={state.volumes.length} more={state.more.volumes} t={t}>
        <ul className="flex flex-wrap gap-1.5">
          {state.volumes.map((v) => {
            const mounts = state.containers.flatMap((c) => c.mounts.filter((m) => m.volume === v.name).map((m) => ({ container: c.name, destination: m.destination })));
            return (
              <li key={v.name} className="rounded-md border border-violet-400 p-1 dark:border-violet-700">
                <ObjectButton id={v.name} kind="volume" name={v.name} className="max-w-48 truncate px-1.5 py-0.5 text-xs font-medium" {...props(`volumes:${v.name}`)}>
                  {v.name.length > 24 ? `${v.name.slice(0, 12)}…` : v.name}
                </ObjectButton>
                {mounts.length > 0 && (
                  <ul aria-label={t.mountedBy} className="mt-1 space-y-0.5">
                    {mounts.map((m) => (
                      <li key={`${m.container}:${m.destination}`} data-testid="mount" data-name={m.container} className="text-xs text-violet-900 dark:text-violet-200">
                        {m.container} → {m.destination}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ul>
      </Section>

      <Section title={t.kinds.images} count={state.images.length} more={state.more.images} t={t}>
        <ul className="flex flex-wrap items-end gap-2">
          {state.images.map((image) => {
            const name = image.tags[0] ?? t.untagged;
            return (
              <li key={image.id} data-image={image.tags[0] ?? image.id} className="w-44">
                <ol aria-label={`${name}: ${t.layers}`} className="flex flex-col-reverse gap-px">
                  {image.layers.map((layer, index) => {
                    const shared = use.get(layer.id) ?? 1;
                    return (
                      <li
                        key={`${layer.id}-${index}`}
                        data-testid="layer"
                        data-layer={layer.id}
                        data-shared={shared}
                        title={layer.step || t.baseLayer}
                        className={`truncate rounded-sm border-l-4 px-1 text-[11px] leading-4 ${shared > 1 ? 'bg-amber-50 dark:bg-amber-950' : 'border-l-slate-400 bg-slate-100 dark:border-l-slate-600 dark:bg-slate-800'}`}
                        style={shared > 1 ? { borderLeftColor: layerColour(layer.id) } : undefined}
                      >
                        {layer.size === null ? t.unknownSize : formatBytes(layer.size)} · {layer.step || t.baseLayer}
                        {shared > 1 && <span className="ml-1 font-medium text-amber-800 dark:text-amber-300">({t.sharedBy(shared)})</span>}
                      </li>
                    );
                  })}
                </ol>
                {image.moreLayers > 0 && <p className="text-[11px] text-slate-500">{t.more(image.moreLayers)}</p>}
                <ObjectButton id={image.id} kind="image" name={name} className="mt-0.5 w-full px-1.5 py-0.5 text-xs" {...props(`images:${image.id}`)}>
                  <span className="block truncate font-medium">{image.tags.join(', ') || t.untagged}</span>
                  <span className="text-slate-500">{formatBytes(image.size)}</span>
                </ObjectButton>
              </li>
            );
          })}
        </ul>
      </Section>

      {swarm && (
        <Section title={t.kinds.nodes} count={swarm.nodes.length} more={state.more.tasks} t={t}>
          <ul className="flex flex-wrap gap-1.5">
            {swarm.nodes.map((node) => (
              <li key={node.id} className="w-44 rounded-md border border-emerald-500 p-1 dark:border-emerald-700">
                <ObjectButton id={node.id} kind="node" name={node.hostname} className="w-full px-1.5 py-0.5 text-xs" {...props(`nodes:${node.id}`)}>
                  <span className="font-medium">{node.hostname}</span>
                  <span className="text-slate-500">
                    {' '}
                    · {node.role}
                    {node.leader ? ' ★' : ''} · {node.availability}
                  </span>
                </ObjectButton>
                <ul aria-label={t.kinds.tasks} className="mt-1 flex flex-wrap gap-1">
                  {swarm.tasks
                    .filter((task) => task.node === node.id)
                    .map((task) => {
                      const service = swarm.services.find((s) => s.id === task.service)?.name ?? task.service;
                      return (
                        <li key={task.id}>
                          <ObjectButton id={task.id} kind="task" name={`${service}.${task.slot ?? node.hostname}`} className="px-1 text-[11px]" {...props(`tasks:${task.id}`)}>
                            {service}
                            {task.slot !== null ? `.${task.slot}` : ''} <span className="text-slate-500">{task.state}</span>
                          </ObjectButton>
                        </li>
                      );
                    })}
                </ul>
              </li>
            ))}
          </ul>
        </Section>
      )}
    </div>
  );
}
