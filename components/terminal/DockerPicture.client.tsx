'use client';

import type { DockerState } from '@/lib/docker-state';
import { objectFacts } from '@/lib/docker-state/facts';
import type { PictureWords } from '@/lib/docker-state/words';
import { Containers } from './picture/Containers';
import { Details } from './picture/Details';
import { Images } from './picture/Images';
import { Networks } from './picture/Networks';
import { Swarm } from './picture/Swarm';
import { usePicture } from './picture/usePicture';
import { Volumes } from './picture/Volumes';

/** The Docker objects of one node, drawn as groups: what runs, what it is made of, what joins it. */
export function DockerPicture({ state, t }: { state: DockerState; t: PictureWords }) {
  const { sentence, selection, closeDetails } = usePicture(state, t);
  const facts = selection.selected && objectFacts(selection.selected, state, t);

  return (
    <div className="text-sm">
      <p aria-live="polite" data-testid="docker-state-change" className="min-h-5 truncate pt-1 text-xs text-slate-600 dark:text-slate-400" title={sentence}>
        {sentence}
      </p>
      {facts && <Details facts={facts} onClose={closeDetails} t={t} />}
      <Containers state={state} selection={selection} t={t} />
      <Networks state={state} selection={selection} t={t} />
      <Volumes state={state} selection={selection} t={t} />
      <Images state={state} selection={selection} t={t} />
      <Swarm state={state} selection={selection} t={t} />
    </div>
  );
}
