import '#server-only';
import { hiddenFolders, home } from './paths';

/**
 * The shell scripts that act on the learner's files inside their sandbox, run as the learner's own user
 * (so everything written is theirs, and nothing is possible that they could not do in their terminal).
 * Each is one `sh -c` with the learner's paths as arguments, never spliced into the script. Each
 * resolves the real path in the sandbox (`realpath`: every symlink followed, or all but the last name
 * for a rename or delete, which act on a link itself) and checks it against the same rules as
 * paths.ts, so a link the learner planted cannot lead outside home and /tmp or into a hidden folder.
 *
 * Exit codes say why a script refused; `exitReasons` in files.ts maps them.
 */
export const exit = { badPath: 10, notFound: 11, exists: 12, readOnly: 13, conflict: 14, incomplete: 15, notAFolder: 16, intoItself: 17, noSpace: 28 } as const;

// The constants spliced in below are the course's own paths: no quote or pattern character in them.
const hidden = hiddenFolders.map((folder) => `'${folder}'`).join(' ');

const prelude = `set -u
bad() { printf '%s' "$1" >&2; exit ${exit.badPath}; }
# An error of a command as a reason: a full disk, a file the learner may not change, a name in the way.
why() {
  case "$1" in
    *'No space left'*|*'Disk quota'*) exit ${exit.noSpace} ;;
    *'Permission denied'*|*'Read-only file system'*|*'Operation not permitted'*) exit ${exit.readOnly} ;;
    *'File exists'*) exit ${exit.exists} ;;
    *'Not a directory'*) exit ${exit.notAFolder} ;;
    *'subdirectory of itself'*) exit ${exit.intoItself} ;;
    *) printf '%s' "$1" >&2; exit 1 ;;
  esac
}
allowed() {
  case "$1" in ${home}|${home}/*|/tmp|/tmp/*) ;; *) return 1 ;; esac
  for h in ${hidden}; do case "$1" in "$h"|"$h"/*) return 1 ;; esac; done
}
changeable() {
  case "$1" in ${home}|/tmp) return 1 ;; esac
  for h in ${hidden}; do case "$h" in "$1"/*) return 1 ;; esac; done
}
# realpath -m leaves a loop of links unresolved instead of failing: refuse it.
noloop() {
  case $(realpath -- "$1" 2>&1 >/dev/null) in *'Too many levels'*) bad 'the path goes round a loop of links' ;; esac
}
# r: the path with every link followed.
follow() {
  noloop "$1"
  r=$(realpath -m -- "$1" 2>/dev/null) || bad 'the path cannot be resolved'
  allowed "$r" || bad 'the path leads outside your home folder and /tmp, or into a hidden folder'
}
# r: the entry itself (its folder's links followed, not its own name's), which may be changed.
itself() {
  noloop "$(dirname -- "$1")"
  d=$(realpath -m -- "$(dirname -- "$1")" 2>/dev/null) || bad 'the path cannot be resolved'
  r="\${d%/}/$(basename -- "$1")"
  allowed "$r" || bad 'the path leads outside your home folder and /tmp, or into a hidden folder'
  changeable "$r" || bad 'that folder cannot be changed here'
}
version() { sha256sum < "$1" | cut -c1-16; }
`;

/** $1 path, $2 limit: prints the size on a line, then (when it is within the limit) the bytes. */
export const readScript = `${prelude}
follow "$1"
[ -e "$r" ] || exit ${exit.notFound}
[ -d "$r" ] && bad 'that is a folder, not a file'
[ -f "$r" ] || bad 'that is not a regular file'
[ -r "$r" ] || exit ${exit.readOnly}
size=$(stat -c %s -- "$r") || exit ${exit.notFound}
printf '%s\\n' "$size"
[ "$size" -gt "$2" ] && exit 0
exec head -c $(($2 + 1)) -- "$r"
`;

/**
 * $1 path, $2 base ('-': overwrite; 'none': must not exist; else the version it must have), $3 the
 * byte count stdin carries. Writes a temporary file beside the target and renames it over the target,
 * so a full disk or a dropped upload leaves the old content as it was. Prints the current version on a
 * conflict.
 */
export const writeScript = `${prelude}
follow "$1"
p=$r
changeable "$p" || bad 'that folder cannot be changed here'
[ -d "$p" ] && bad 'that is a folder, not a file'
if [ -e "$p" ]; then
  [ -f "$p" ] || bad 'that is not a regular file'
  if [ "$2" != - ]; then
    current=$(version "$p")
    [ "$current" = "$2" ] || { printf '%s' "$current"; exit ${exit.conflict}; }
  fi
  [ -w "$p" ] || exit ${exit.readOnly}
else
  case "$2" in -|none) ;; *) exit ${exit.conflict} ;; esac
fi
dir=$(dirname -- "$p")
err=$(mkdir -p -- "$dir" 2>&1) || why "$err"
tmp=$(mktemp -- "$dir/.$(basename -- "$p").XXXXXX" 2>&1) || why "$tmp"
trap 'rm -f -- "$tmp"' EXIT
err=$(cat 2>&1 > "$tmp") || why "$err"
[ "$(stat -c %s -- "$tmp")" = "$3" ] || exit ${exit.incomplete}
if [ -e "$p" ]; then err=$(chmod --reference="$p" -- "$tmp" 2>&1); else err=$(chmod 644 -- "$tmp" 2>&1); fi || why "$err"
err=$(mv -f -- "$tmp" "$p" 2>&1) || why "$err"
trap - EXIT
`;

/** $1 path, $2 'file' or 'folder'. */
export const createScript = `${prelude}
itself "$1"
{ [ -e "$r" ] || [ -L "$r" ]; } && exit ${exit.exists}
err=$(mkdir -p -- "$(dirname -- "$r")" 2>&1) || why "$err"
if [ "$2" = folder ]; then err=$(mkdir -- "$r" 2>&1); else err=$( (set -C; : > "$r") 2>&1); fi || why "$err"
`;

/** $1 from, $2 to (which must not exist). A link is moved itself, not what it points to. */
export const renameScript = `${prelude}
itself "$1"
from=$r
itself "$2"
to=$r
{ [ -e "$from" ] || [ -L "$from" ]; } || exit ${exit.notFound}
{ [ -e "$to" ] || [ -L "$to" ]; } && exit ${exit.exists}
err=$(mkdir -p -- "$(dirname -- "$to")" 2>&1) || why "$err"
err=$(mv -T -- "$from" "$to" 2>&1) || why "$err"
`;

/** $1 path: a file, a link (not what it points to) or a folder with everything in it. */
export const deleteScript = `${prelude}
itself "$1"
{ [ -e "$r" ] || [ -L "$r" ]; } || exit ${exit.notFound}
err=$(rm -rf --one-file-system -- "$r" 2>&1) || why "$err"
`;

/**
 * $1 depth, $2 most entries: the home folder without the hidden folders, one NUL-ended record per
 * entry: depth, type (f, d, l), size, mtime in seconds, path relative to home.
 */
export const treeScript = `set -u
cd ${home} || exit 1
find . -mindepth 1 -maxdepth "$1" \\( ${hiddenFolders
  .filter((folder) => folder.startsWith(`${home}/`))
  .map((folder) => `-path '.${folder.slice(home.length)}'`)
  .join(' -o ')} \\) -prune -o \\( -type f -o -type d -o -type l \\) -printf '%d %y %s %T@ %P\\0' | head -z -n "$2"
`;

/**
 * $1 path: a file as "file <size>" on a line and its bytes, or a folder as "folder" on a line and a
 * gzipped tar of it (without the hidden folders it may hold).
 */
export const downloadScript = `${prelude}
follow "$1"
[ -e "$r" ] || exit ${exit.notFound}
if [ -d "$r" ]; then
  [ -r "$r" ] || exit ${exit.readOnly}
  name=$(basename -- "$r")
  parent=$(dirname -- "$r")
  set --
  for h in ${hidden}; do case "$h" in "$r"/*) set -- "$@" --exclude="$name/\${h#"$r"/}" ;; esac; done
  printf 'folder\\n'
  exec tar -czf - -C "$parent" --anchored --no-wildcards "$@" -- "$name"
fi
[ -f "$r" ] || bad 'that is not a regular file or folder'
[ -r "$r" ] || exit ${exit.readOnly}
printf 'file %s\\n' "$(stat -c %s -- "$r")"
exec cat -- "$r"
`;
