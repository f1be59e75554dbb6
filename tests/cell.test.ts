import { connect, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { agentAnswer, CellDirectory, cellState, LearnerPlaces, seatShare, startAgent, type CellReading } from '@/lib/server/cell';
import type { CellReport } from '@/lib/store';

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

describe('the cells sharing a class’s seats', () => {
  it('splits a class’s capacity evenly over the open cells, the first ones taking what does not divide', () => {
    const open = ['cell-1', 'cell-2', 'cell-3'];
    expect(open.map((cell) => seatShare(8, open, cell, 0))).toEqual([3, 3, 2]);
    expect(seatShare(8, open, 'cell-1', 2)).toBe(1);
    expect(seatShare(8, open, 'cell-3', 5)).toBe(0);
    expect(seatShare(8, open, 'cell-4', 0)).toBe(0);
  });

  /** The other cells' reports, as the shared store gives them, and this cell's own state. */
  const directory = (reports: CellReport[], here: { open: boolean; warm: Record<string, number> }) => {
    const reported: CellReport[] = [];
    const cells = { report: async (report: CellReport) => void reported.push(report), recent: async () => reports };
    return { reported, directory: new CellDirectory({ cells }, 'cell-2', async () => here.open, () => here.warm, () => {}) };
  };

  it('knows the open cells by this one’s state now, and sends a member to the open cell with the most warm seats', async () => {
    const reports: CellReport[] = [
      { cell: 'cell-1', open: true, warm: { c1: 2 } },
      { cell: 'cell-2', open: false, warm: {} },
      { cell: 'cell-3', open: false, warm: { c1: 5 } },
    ];
    const here: { open: boolean; warm: Record<string, number> } = { open: true, warm: { c1: 2, c2: 1 } };
    const { directory: cells, reported } = directory(reports, here);
    expect(await cells.openCells()).toEqual(['cell-1', 'cell-2']);
    // As many here as anywhere: the member stays. A drained cell's seats do not count.
    expect(await cells.warmestFor('c1')).toBe('cell-2');
    expect(await cells.warmestFor('c2')).toBe('cell-2');
    expect(await cells.warmElsewhere('c1')).toBe(2);
    here.warm = { c1: 1, c2: 1 };
    expect(await cells.warmestFor('c1')).toBe('cell-1');
    expect(await cells.warmestFor('c3')).toBeNull();
    here.open = false;
    expect(await cells.openCells()).toEqual(['cell-1']);
    expect(await cells.warmestFor('c2')).toBeNull();
    cells.start();
    cells.stop();
    await new Promise((resolve) => setTimeout(resolve));
    expect(reported).toEqual([{ cell: 'cell-2', open: false, warm: { c1: 1, c2: 1 } }]);
  });
});
