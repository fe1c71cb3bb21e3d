# Sourced by bin/cistern (the archive's and the source tree's): a class-data sharing archive for the tools (cat, ls,
# stats, verify...), so the JVM maps the classes they load instead of reading and verifying them from the jar at every
# start. Java 17 has no automatic archive (Java 19's -XX:+AutoCreateSharedArchive), so the launcher makes one in
# ${XDG_CACHE_HOME:-~/.cache}/cistern/ (CISTERN_CACHE_DIR to put it elsewhere, CISTERN_CLASS_SHARE=off for none): a
# `cat` records the classes it loads, and the next tool run dumps them in the background (one dump at a time); the
# runs after that start from the archive. A JVM given an archive that does not fit it starts without it, silently.
# cat of a 1M-row spool: about 0.2 s less (docs/benchmarks.md, "Tools: filters on every core, C1 and a class archive").

# cistern_share_archive JAR JAVA: the archive's path for this jar and runtime (their paths, sizes and times: an upgrade
# in place makes another), or nothing when there is no cache directory.
cistern_share_archive() {
  [ "${CISTERN_CLASS_SHARE:-on}" = off ] && return 0
  if [ -n "${CISTERN_CACHE_DIR:-}" ]; then d="$CISTERN_CACHE_DIR"
  elif [ -n "${XDG_CACHE_HOME:-}" ]; then d="$XDG_CACHE_HOME/cistern"
  elif [ -n "${HOME:-}" ]; then d="$HOME/.cache/cistern"
  else return 0
  fi
  j=$(command -v "$2" 2>/dev/null || echo "$2")
  key=$(ls -lnL "$1" "$j" 2>/dev/null | cksum | cut -d' ' -f1) || true
  echo "$d/classes-$key.jsa"
}

# Every function here must not fail under `set -eu` (the launchers'): a cache that cannot be made only means no archive.

# cistern_share_flags ARCHIVE JAR JAVA COMMAND: for a tool, -XX:SharedArchiveFile=ARCHIVE when this user's archive is
# newer than the jar and the runtime; else nothing, or for `cat` the flag that records its classes (into
# ARCHIVE.classlist.PID); and once such a list exists, starts cistern_share_dump in the background.
cistern_share_flags() {
  [ -n "$1" ] || return 0
  case "${4:-}" in run | bench | "") return 0 ;; esac
  j=$(command -v "$3" 2>/dev/null || echo "$3")
  if [ -f "$1" ] && [ -O "$1" ] && [ "$1" -nt "$2" ] && [ "$1" -nt "$j" ]; then
    echo "-XX:SharedArchiveFile=$1"
    return 0
  fi
  [ -f "$1.failed" ] && [ "$1.failed" -nt "$2" ] && return 0 # this jar and runtime could not make one: not again
  mkdir -p "$(dirname "$1")" 2>/dev/null && [ -w "$(dirname "$1")" ] || return 0
  for list in "$1".classlist.*; do
    [ -s "$list" ] || continue
    # one dump at a time: a lock older than ten minutes is a dump that died
    find "$1.lock" -prune -mmin +10 -exec rmdir {} \; 2>/dev/null || true
    mkdir "$1.lock" 2>/dev/null && cistern_share_dump "$1" "$2" "$3" "$list"
    return 0
  done
  [ "${4:-}" = cat ] && echo "-XX:DumpLoadedClassList=$1.classlist.$$"
  return 0
}

# cistern_share_dump ARCHIVE JAR JAVA LIST: dumps the classes in LIST into ARCHIVE, in a background process detached from
# the terminal and from the tool's output (written aside, then renamed: a reader sees no archive or the whole one);
# then removes the lists, the lock and archives older than the jar.
cistern_share_dump() {
  ( (
    if nice "$3" -Xshare:dump -XX:SharedClassListFile="$4" -XX:SharedArchiveFile="$1.tmp.$$" -cp "$2" \
        < /dev/null > /dev/null 2>&1; then
      mv -f "$1.tmp.$$" "$1"
      # archives made before this jar was are for jars gone by (a rebuild, an upgrade): 16 MB each
      find "$(dirname "$1")" -name 'classes-*.jsa' ! -newer "$2" -exec rm -f {} \;
    else
      rm -f "$1.tmp.$$"
      : > "$1.failed"
    fi
    rm -f "$1".classlist.*
    rmdir "$1.lock"
  ) < /dev/null > /dev/null 2>&1 & ) < /dev/null > /dev/null 2>&1
}
