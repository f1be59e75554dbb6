import { formatBytes, layerUse, objectName, type DockerState, type Image } from '@/lib/docker-state';
import { imageName, imageTags, layerView } from '@/lib/docker-state/picture';
import type { PictureWords } from '@/lib/docker-state/words';
import { format } from '@/lib/i18n/format';
import { ObjectButton } from './ObjectButton';
import { Section } from './Section';
import type { Selection } from './usePicture';

/** An image as its stack of layers, base at the bottom, each shared layer in a colour of its own. */
function ImageStack({ image, use, selection, t }: { image: Image; use: Map<string, number>; selection: Selection; t: PictureWords }) {
  const name = imageName(image, t);
  return (
    <li data-image={objectName('images', image)} className="w-44">
      <ol aria-label={`${name}: ${t.layers}`} className="flex flex-col-reverse gap-px">
        {image.layers.map((layer, index) => {
          const view = layerView(layer, use, t);
          return (
            <li
              key={`${view.id}-${index}`}
              data-testid="layer"
              data-layer={view.id}
              data-shared={view.sharedBy}
              title={view.step}
              className={`truncate rounded-sm border-l-4 px-1 text-[11px] leading-4 ${view.colour ? 'bg-amber-50 dark:bg-amber-950' : 'border-l-slate-400 bg-slate-100 dark:border-l-slate-600 dark:bg-slate-800'}`}
              style={view.colour ? { borderLeftColor: view.colour } : undefined}
            >
              {view.size} · {view.step}
              {view.colour && <span className="ml-1 font-medium text-amber-800 dark:text-amber-300">({format(t.sharedBy, { n: view.sharedBy })})</span>}
            </li>
          );
        })}
      </ol>
      {image.moreLayers > 0 && <p className="text-[11px] text-slate-500 dark:text-slate-400">{format(t.more, { n: image.moreLayers })}</p>}
      <ObjectButton kind="images" id={image.id} name={name} selection={selection} className="mt-0.5 w-full px-1.5 py-0.5 text-xs">
        <span className="block truncate font-medium">{imageTags(image, t)}</span>
        <span className="text-slate-500 dark:text-slate-400">{formatBytes(image.size)}</span>
      </ObjectButton>
    </li>
  );
}

export function Images({ state, selection, t }: { state: DockerState; selection: Selection; t: PictureWords }) {
  const use = layerUse(state.images);
  return (
    <Section title={t.kinds.images} count={state.images.length} more={state.more.images} t={t}>
      <ul className="flex flex-wrap items-end gap-2">
        {state.images.map((image) => (
          <ImageStack key={image.id} image={image} use={use} selection={selection} t={t} />
        ))}
      </ul>
    </Section>
  );
}
