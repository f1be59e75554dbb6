import { describe, expect, it } from 'vitest';
import { attachment } from '@/lib/workspace/routes';
import { baseName, compareTreePaths, hiddenFolderOf, home, mayChange, resolvePath, shownPath } from '@/lib/workspace/paths';
import { decodeText, versionOf } from '@/lib/workspace/files';

const path = (input: unknown) => {
  const result = resolvePath(input);
  return result.ok ? result.path : null;
};

describe('workspace path rules', () => {
  it('reads paths relative to home, or absolute under home or /tmp', () => {
    expect(path('app/Dockerfile')).toBe(`${home}/app/Dockerfile`);
    expect(path('')).toBe(home);
    expect(path('./app//compose.yaml/')).toBe(`${home}/app/compose.yaml`);
    expect(path('/home/learner/notes.txt')).toBe(`${home}/notes.txt`);
    expect(path('/tmp/build/x')).toBe('/tmp/build/x');
    expect(path('/tmp')).toBe('/tmp');
    expect(path('안녕 하세요.txt')).toBe(`${home}/안녕 하세요.txt`);
  });

  it('refuses .., whatever it would lead to', () => {
    for (const input of ['..', '../etc/passwd', 'app/../../etc', 'app/..', '/tmp/../etc', '/home/learner/../learner/x']) expect(path(input), input).toBeNull();
  });

  it('refuses absolute paths outside home and /tmp, and look-alikes', () => {
    for (const input of ['/', '/etc/passwd', '/home', '/home/learner2/x', '/home/learnerx', '/tmpx/a', '/run/user/1000/docker.sock', '/var/lib/docker']) expect(path(input), input).toBeNull();
  });

  it('refuses control characters (C0, DEL, C1) anywhere', () => {
    for (const input of ['a\nb', 'a\0b', 'a\rb', '\tx', 'x\u001b[31m', 'x\u007f', 'x\u0085', 'x\u009b']) expect(path(input), JSON.stringify(input)).toBeNull();
  });

  it('refuses the folders of the Docker daemon, the Docker client and tmux, and everything in them', () => {
    for (const input of ['.local/share/docker', '.local/share/docker/engine-id', '/home/learner/.local/share/docker/volumes', '.docker', '.docker/config.json', '.config/docker/daemon.json', '/tmp/tmux-1000', '/tmp/tmux-1000/default'])
      expect(path(input), input).toBeNull();
    expect(hiddenFolderOf(`${home}/.local/share/docker/x`)).toBe(`${home}/.local/share/docker`);
    // Names that merely begin the same are the learner's own.
    expect(path('.local/share/docker-notes')).toBe(`${home}/.local/share/docker-notes`);
    expect(path('.dockerignore')).toBe(`${home}/.dockerignore`);
    expect(path('/tmp/tmux-10000')).toBe('/tmp/tmux-10000');
  });

  it('refuses what is not a string and names too long for the file system', () => {
    for (const input of [undefined, null, 3, ['a'], { path: 'a' }]) expect(path(input)).toBeNull();
    expect(path('x'.repeat(255))).toBe(`${home}/${'x'.repeat(255)}`);
    expect(path('x'.repeat(256))).toBeNull();
    expect(path('가'.repeat(86))).toBeNull(); // 258 bytes in UTF-8
    expect(path(`${'a/'.repeat(2100)}b`)).toBeNull();
  });

  it('lets no change touch home or /tmp themselves, or a folder holding the daemon’s data', () => {
    for (const input of [home, '/tmp', `${home}/.local`, `${home}/.local/share`, `${home}/.config`]) expect(mayChange(input).ok, input).toBe(false);
    for (const input of [`${home}/app`, `${home}/.local/bin`, `${home}/.config/nvim`, '/tmp/x']) expect(mayChange(input).ok, input).toBe(true);
  });

  it('shows paths relative to home inside it, absolute under /tmp', () => {
    expect(shownPath(`${home}/app/Dockerfile`)).toBe('app/Dockerfile');
    expect(shownPath(home)).toBe('');
    expect(shownPath('/tmp/x')).toBe('/tmp/x');
    expect(baseName(`${home}/app`)).toBe('app');
    expect(baseName('/tmp')).toBe('tmp');
  });

  it('sorts a folder’s entries right after it', () => {
    const sorted = ['a-b', 'a/b', 'a', 'b', 'a/a/z', '.x'].sort(compareTreePaths);
    expect(sorted).toEqual(['.x', 'a', 'a/a/z', 'a/b', 'a-b', 'b']);
  });
});

describe('workspace content rules', () => {
  it('opens UTF-8 text as it is, and calls NUL bytes or invalid UTF-8 binary', () => {
    expect(decodeText(Buffer.from('FROM debian\r\n# 안녕\n'))).toBe('FROM debian\r\n# 안녕\n');
    expect(decodeText(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('\ufeffA');
    expect(decodeText(Buffer.from([0x41, 0x00, 0x42]))).toBeNull();
    expect(decodeText(Buffer.from([0xff, 0xfe, 0x41]))).toBeNull();
    expect(decodeText(Buffer.from([0xea, 0xb0]))).toBeNull(); // a character cut short
  });

  it('versions are content fingerprints: the same bytes, the same version', () => {
    expect(versionOf('a')).toMatch(/^[0-9a-f]{16}$/);
    expect(versionOf('a')).toBe(versionOf(Buffer.from('a')));
    expect(versionOf('a\n')).not.toBe(versionOf('a\r\n'));
  });

  it('names downloads in a Content-Disposition that keeps any name', () => {
    expect(attachment('app.tar.gz')).toBe(`attachment; filename="app.tar.gz"; filename*=UTF-8''app.tar.gz`);
    expect(attachment('메모 "1".txt')).toBe(`attachment; filename="__ _1_.txt"; filename*=UTF-8''%EB%A9%94%EB%AA%A8%20%221%22.txt`);
  });
});
