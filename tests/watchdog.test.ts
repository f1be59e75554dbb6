import { describe, expect, it } from 'vitest';
import { findRunaway, fullAreas, membersOf, parseDiskUsage, parseProcessTable } from '@/lib/sandbox/watchdog';
import { withTrouble, withoutTrouble } from '@/components/terminal/TroubleNotice';

// pid (name) state ppid pgrp session: tini, the daemon, tmux with two shells, a bomb in shell 40's
// session whose parents ended (so its processes hang from tini), and a container under its shim.
const stat = (pid: number, name: string, ppid: number, session: number) => `${pid} (${name}) S ${ppid} ${pid} ${session} 0 -1 4194560 1 0`;
const bomb = Array.from({ length: 20 }, (_, i) => stat(100 + i, 'bash', 1, 40));
const containerProcesses = Array.from({ length: 5 }, (_, i) => stat(300 + i, 'sleep', 299, 299));
const table = [
  stat(1, 'tini', 0, 1),
  stat(10, 'dockerd', 1, 1),
  stat(30, 'tmux: server', 1, 30),
  stat(40, 'bash', 30, 40),
  stat(41, 'bash', 30, 41),
  stat(42, 'vim', 41, 41),
  ...bomb,
  stat(298, 'containerd-shim-runc-v2', 1, 298),
  stat(299, 'sh', 298, 299),
  ...containerProcesses,
  stat(400, 'weird ) name (x', 41, 41),
].join('\n');

describe('the watchdog: processes', () => {
  it('reads /proc stat lines, names with spaces and parentheses included', () => {
    const entries = parseProcessTable(table);
    expect(entries).toHaveLength(34);
    expect(entries.at(-1)).toEqual({ pid: 400, ppid: 41, session: 41, name: 'weird ) name (x' });
  });

  it('finds a fork bomb of the shells by session, though its parents ended, and spares the shells, tmux and the daemon', () => {
    const entries = parseProcessTable(table);
    const runaway = findRunaway(entries);
    expect(runaway).toEqual({ from: 'shells', shells: [40, 41] });
    const members = membersOf(entries, runaway!);
    expect(members).toEqual(expect.arrayContaining([42, 100, 119, 400]));
    for (const spared of [1, 10, 30, 40, 41, 298, 299]) expect(members).not.toContain(spared);
  });

  it('finds a container that fills the table, and takes its processes, not its shim', () => {
    const many = Array.from({ length: 40 }, (_, i) => stat(500 + i, 'sh', 299, 299));
    const entries = parseProcessTable([table, ...many].join('\n'));
    const runaway = findRunaway(entries);
    expect(runaway).toEqual({ from: 'container', shim: 298 });
    const members = membersOf(entries, runaway!);
    expect(members).toHaveLength(46);
    expect(members).toContain(299);
    expect(members).not.toContain(298);
  });

  it('finds no runaway where no group is big', () => {
    expect(findRunaway(parseProcessTable([stat(30, 'tmux: server', 1, 30), stat(40, 'bash', 30, 40), stat(42, 'vim', 40, 40)].join('\n')))).toBeNull();
  });
});

describe('the watchdog: disks', () => {
  it('tells which of the learner disks has no room left', () => {
    const df = [
      'Filesystem     1024-blocks   Used Available Capacity Mounted on',
      'tmpfs                65536  65536         0     100% /home/learner',
      'tmpfs               655360 120000    535360      19% /home/learner/.local/share/docker',
      'tmpfs                65536  65000       536      99% /tmp',
    ].join('\n');
    expect(fullAreas(df)).toEqual(['home', 'tmp']);
    expect(fullAreas(df.replace(' 0     100%', ' 4096   94%').replace('536      99%', '9000      86%'))).toEqual([]);
  });

  it('reads what takes the space', () => {
    expect(parseDiskUsage('Images\t300MB\t120MB (40%)\nContainers\t2B\t0B (0%)\n---\n40960\t/home/learner/big\n12\t/tmp/x\n')).toEqual({
      docker: [
        { type: 'Images', size: '300MB', reclaimable: '120MB (40%)' },
        { type: 'Containers', size: '2B', reclaimable: '0B (0%)' },
      ],
      folders: [
        { path: '/home/learner/big', kib: 40960 },
        { path: '/tmp/x', kib: 12 },
      ],
    });
  });
});

describe('a terminal tab’s notices', () => {
  it('makes a trouble that comes back a new notice, and keeps one that ended until dismissed', () => {
    let troubles = withTrouble({}, { kind: 'daemon', active: true });
    expect(troubles.daemon?.round).toBe(1);
    troubles = withTrouble(troubles, { kind: 'daemon', active: false });
    expect(troubles.daemon).toEqual({ trouble: { kind: 'daemon', active: false }, round: 1 });
    troubles = withTrouble(troubles, { kind: 'daemon', active: true });
    expect(troubles.daemon?.round).toBe(2);
    expect(withoutTrouble(troubles, 'daemon')).toEqual({});
  });
});
