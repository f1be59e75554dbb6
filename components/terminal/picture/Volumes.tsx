import type { DockerState } from '@/lib/docker-state';
import { mountsOf, mountText, shortVolumeName } from '@/lib/docker-state/picture';
import type { PictureWords } from '@/lib/docker-state/words';
import { ObjectButton } from './ObjectButton';
import { Section } from './Section';
import type { Selection } from './usePicture';

/** Each volume with where containers mount it. */
export function Volumes({ state, selection, t }: { state: DockerState; selection: Selection; t: PictureWords }) {
  return (
    <Section title={t.kinds.volumes} count={state.volumes.length} more={state.more.volumes} t={t}>
      <ul className="flex flex-wrap gap-1.5">
        {state.volumes.map((volume) => {
          const mounts = mountsOf(volume, state.containers);
          return (
            <li key={volume.name} className="rounded-md border border-violet-400 p-1 dark:border-violet-700">
              <ObjectButton kind="volumes" id={volume.name} name={volume.name} selection={selection} className="max-w-48 truncate px-1.5 py-0.5 text-xs font-medium">
                {shortVolumeName(volume.name)}
              </ObjectButton>
              {mounts.length > 0 && (
                <ul aria-label={t.mountedBy} className="mt-1 space-y-0.5">
                  {mounts.map((mount) => (
                    <li key={`${mount.container}:${mount.destination}`} data-testid="mount" data-name={mount.container} className="text-xs text-violet-900 dark:text-violet-200">
                      {mountText(mount.container, mount.destination)}
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
