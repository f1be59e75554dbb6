import type { DockerState } from '@/lib/docker-state';
import { attachedTo } from '@/lib/docker-state/picture';
import type { PictureWords } from '@/lib/docker-state/words';
import { ObjectButton } from './ObjectButton';
import { Section } from './Section';
import { stateDot } from './styles';
import type { Selection } from './usePicture';

/** Each network as a box around the containers attached to it. */
export function Networks({ state, selection, t }: { state: DockerState; selection: Selection; t: PictureWords }) {
  return (
    <Section title={t.kinds.networks} count={state.networks.length} more={state.more.networks} t={t}>
      <ul className="flex flex-wrap gap-1.5">
        {state.networks.map((network) => {
          const attached = attachedTo(network, state.containers);
          return (
            <li key={network.id} data-network={network.name} className="rounded-md border border-dashed border-sky-400 p-1 dark:border-sky-700">
              <ObjectButton kind="networks" id={network.id} name={network.name} selection={selection} className="px-1.5 py-0.5 text-xs font-medium">
                {network.name} <span className="font-normal text-slate-500 dark:text-slate-400">· {network.driver}</span>
              </ObjectButton>
              {attached.length > 0 && (
                <ul aria-label={t.attached} className="mt-1 flex flex-wrap gap-1">
                  {attached.map((container) => (
                    <li key={container.id} data-testid="attachment" data-name={container.name} className="flex items-center gap-1 rounded bg-sky-100 px-1.5 text-xs text-sky-900 dark:bg-sky-950 dark:text-sky-200">
                      <span aria-hidden="true" className={`h-1.5 w-1.5 rounded-full ${stateDot(container.state)}`} />
                      {container.name}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}
