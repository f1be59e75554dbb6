import type { DockerState } from '@/lib/docker-state';
import { nodeSummary, taskLabel, taskName, tasksOn } from '@/lib/docker-state/picture';
import type { PictureWords } from '@/lib/docker-state/words';
import { ObjectButton } from './ObjectButton';
import { Section } from './Section';
import type { Selection } from './usePicture';

/** A Swarm's nodes, each holding the tasks it runs; only a manager sees them. */
export function Swarm({ state, selection, t }: { state: DockerState; selection: Selection; t: PictureWords }) {
  const swarm = state.swarm;
  if (!swarm) return null;
  return (
    <Section title={t.kinds.nodes} count={swarm.nodes.length} more={state.more.tasks} t={t}>
      <ul className="flex flex-wrap gap-1.5">
        {swarm.nodes.map((node) => (
          <li key={node.id} className="w-44 rounded-md border border-emerald-500 p-1 dark:border-emerald-700">
            <ObjectButton kind="nodes" id={node.id} name={node.hostname} selection={selection} className="w-full px-1.5 py-0.5 text-xs">
              <span className="font-medium">{node.hostname}</span>
              <span className="text-slate-500 dark:text-slate-400">{` · ${nodeSummary(node)}`}</span>
            </ObjectButton>
            <ul aria-label={t.kinds.tasks} className="mt-1 flex flex-wrap gap-1">
              {tasksOn(state, node).map((task) => (
                <li key={task.id}>
                  <ObjectButton kind="tasks" id={task.id} name={taskName(state, task)} selection={selection} className="px-1 text-[11px]">
                    {taskLabel(state, task)} <span className="text-slate-500 dark:text-slate-400">{task.state}</span>
                  </ObjectButton>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </Section>
  );
}
