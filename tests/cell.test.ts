import { connect, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { agentAnswer, cellState, LearnerPlaces, startAgent, type CellReading } from '@/lib/server/cell';

const open: CellReading = { ready: true, engineReachable: true, draining: false, free: 30, total: 40 };

describe('what a cell tells HAProxy', () => {
  it('is open with a weight that follows its room, full or draining without room for new learners, down when it cannot serve', () => {
    expect([cellState(open), agentAnswer(open)]).toEqual(['open', 'ready up 75%\n']);
    // Almost full still takes learners: the weight never reaches 0, which would drain it.
    expect(agentAnswer({ ...open, free: 1, total: 1000 })).toBe('ready up 1%\n');
    expect([cellState({ ...open, free: 0 }), agentAnswer({ ...open, free: 0 })]).toEqual(['full', 'drain\n']);
    expect([cellState({ ...open, draining: true }), agentAnswer({ ...open, draining: true })]).toEqual(['draining', 'drain\n']);
    expect([cellState({ ...open, engineReachable: false }), agentAnswer({ ...open, engineReachable: false })]).toEqual(['down', 'down\n']);
    expect(agentAnswer({ ...open, ready: false, draining: true })).toBe('down\n');
    // A capacity of 0 is a cell with no room, not a division by zero.
    expect(agentAnswer({ ...open, free: 0, total: 0 })).toBe('drain\n');
  });
});

describe('the agent check port', () => {
  let reading: CellReading | Error = open;
  const errors: unknown[] = [];
  const read = async () => {
    if (reading instanceof Error) throw reading;
    return reading;
  };
  const agent = startAgent(0, '127.0.0.1', read, (error) => errors.push(error));
  afterAll(() => agent.close());

  const ask = (send?: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect((agent.address() as AddressInfo).port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      if (send) socket.write(send);
    });

  it('answers each connection with one line and closes it, whatever the caller sends', async () => {
    if (!agent.listening) await new Promise((resolve) => agent.once('listening', resolve));
    expect(await ask()).toBe('ready up 75%\n');
    reading = { ...open, draining: true };
    expect(await ask('backend/cell-1\n')).toBe('drain\n');
  });

  it('says down when the cell cannot read its own state, and stays up itself', async () => {
    reading = new Error('store gone');
    expect(await ask()).toBe('down\n');
    expect(errors).toHaveLength(1);
    reading = open;
    expect(await ask()).toBe('ready up 75%\n');
  });
});

describe('where learners are among the cells', () => {
  /** The shared store's record, as PostgreSQL keeps it (lib/store/postgres.ts), in memory. */
  const store = () => {
    const rows = new Map<string, { cell: string; nodes: number }>();
    return {
      rows,
      placeLearner: async (learner: string, cell: string, nodes: number) => {
        if (nodes > 0) rows.set(learner, { cell, nodes });
        else if (rows.get(learner)?.cell === cell) rows.set(learner, { cell, nodes: 0 });
      },
      learnerPlaces: async (learners: readonly string[]) => new Map(learners.flatMap((learner) => (rows.has(learner) ? [[learner, rows.get(learner)!] as const] : []))),
    };
  };

  it('tells once that a learner arrived from a cell that still held their sandbox, and records where they are now', async () => {
    const shared = store();
    shared.rows.set('ann', { cell: 'cell-1', nodes: 1 });
    shared.rows.set('bo', { cell: 'cell-1', nodes: 0 });
    shared.rows.set('cy', { cell: 'cell-2', nodes: 1 });
    const here = new LearnerPlaces(shared, 'cell-2', () => {});
    for (const learner of ['ann', 'bo', 'cy', 'dee']) here.leased(learner, 1);
    expect(await Promise.all(['ann', 'bo', 'cy', 'dee'].map((learner) => here.movedHere(learner)))).toEqual([true, false, false, false]);
    expect(await here.movedHere('ann')).toBe(false);
    expect(shared.rows.get('ann')).toEqual({ cell: 'cell-2', nodes: 1 });
    // A lab growing is the same sandbox; its end leaves the record at none here.
    here.leased('dee', 3);
    await new Promise((resolve) => setTimeout(resolve));
    expect(shared.rows.get('dee')).toEqual({ cell: 'cell-2', nodes: 3 });
    here.ended('dee');
    await new Promise((resolve) => setTimeout(resolve));
    expect(shared.rows.get('dee')).toEqual({ cell: 'cell-2', nodes: 0 });
  });

  it('says nothing of a sandbox that ended before its terminal asked, and nothing when the store fails', async () => {
    const shared = store();
    shared.rows.set('ann', { cell: 'cell-1', nodes: 1 });
    const errors: unknown[] = [];
    const here = new LearnerPlaces(shared, 'cell-2', (error) => errors.push(error));
    here.leased('ann', 1);
    here.ended('ann');
    expect(await here.movedHere('ann')).toBe(false);
    const broken = new LearnerPlaces({ ...shared, learnerPlaces: () => Promise.reject(new Error('store away')) }, 'cell-2', (error) => errors.push(error));
    broken.leased('bo', 1);
    expect(await broken.movedHere('bo')).toBe(false);
    expect(errors).toHaveLength(1);
  });
});
