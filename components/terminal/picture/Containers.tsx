import type { Container, DockerState } from '@/lib/docker-state';
import { containerGroups } from '@/lib/docker-state/picture';
import type { PictureWords } from '@/lib/docker-state/words';
import { ObjectButton } from './ObjectButton';
import { Section } from './Section';
import { stateDot } from './styles';
import type { Selection } from './usePicture';

function ContainerCard({ container, selection }: { container: Container; selection: Selection }) {
  return (
    <ObjectButton kind="containers" id={container.id} name={container.name} selection={selection} className="w-44 px-2 py-1 text-xs">
      <span className="flex items-center gap-1.5 font-medium">
        <span aria-hidden="true" className={`h-2 w-2 shrink-0 rounded-full ${stateDot(container.state)}`} />
        <span className="truncate">{container.name}</span>
      </span>
      <span className="block truncate text-slate-500 dark:text-slate-400">
        {container.image} · {container.state}
      </span>
      {container.ports.length > 0 && <span className="block truncate text-emerald-700 dark:text-emerald-400">{container.ports.join(', ')}</span>}
    </ObjectButton>
  );
}

export function Containers({ state, selection, t }: { state: DockerState; selection: Selection; t: PictureWords }) {
  return (
    <Section title={t.kinds.containers} count={state.containers.length} more={state.more.containers} t={t}>
      {containerGroups(state.containers, t).map((group) => (
        <div key={group.label} className="mb-1">
          <h4 className="text-xs text-slate-500 dark:text-slate-400">{group.label}</h4>
          <ul className="mt-0.5 flex flex-wrap gap-1.5">
            {group.containers.map((container) => (
              <li key={container.id}>
                <ContainerCard container={container} selection={selection} />
              </li>
            ))}
          </ul>
        </div>
      ))}
    </Section>
  );
}
