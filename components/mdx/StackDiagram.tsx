interface Stack {
  title: string;
  /** Top to bottom; each layer is a row of boxes side by side. */
  layers: string[][];
}

// Lower layers get deeper colours, so "what sits on what" reads at a glance in both themes.
const layerColours = [
  'bg-sky-100 border-sky-300 dark:bg-sky-900/50 dark:border-sky-700',
  'bg-indigo-100 border-indigo-300 dark:bg-indigo-900/50 dark:border-indigo-700',
  'bg-violet-100 border-violet-300 dark:bg-violet-900/50 dark:border-violet-700',
  'bg-slate-200 border-slate-400 dark:bg-slate-700 dark:border-slate-500',
];

export function StackDiagram({ caption, stacks }: { caption: string; stacks: Stack[] }) {
  return (
    <figure className="not-prose my-8">
      <div className="grid gap-6" style={{ gridTemplateColumns: `repeat(${stacks.length}, minmax(0, 1fr))` }}>
        {stacks.map((stack) => (
          <div key={stack.title} className="flex flex-col gap-1.5">
            <p className="mb-1 text-center text-sm font-semibold">{stack.title}</p>
            {stack.layers.map((layer, depth) => (
              <div key={depth} className="flex gap-1.5">
                {layer.map((box, i) => (
                  <div
                    key={i}
                    className={`flex-1 rounded-md border px-2 py-2 text-center text-xs sm:text-sm ${layerColours[Math.min(depth + 4 - stack.layers.length, 3)] ?? layerColours[0]}`}
                  >
                    {box}
                  </div>
                ))}
              </div>
            ))}
          </div>
        ))}
      </div>
      <figcaption className="mt-3 text-center text-sm text-slate-500 dark:text-slate-400">{caption}</figcaption>
    </figure>
  );
}
