# Sourced by bin/cistern (the archive's and the source tree's): a class-data sharing archive for the tools (cat, ls,
# stats, verify...), so the JVM maps the classes they load instead of reading and verifying them from the jar at every
# start. Java 17 has no automatic archive (Java 19's -XX:+AutoCreateSharedArchive), so the launcher makes one: the
# first tool run records the classes it loads, then a background JVM dumps them into
# ${XDG_CACHE_HOME:-~/.cache}/cistern/ (CISTERN_CACHE_DIR to put it elsewhere, CISTERN_CLASS_SHARE=off for none).
# A JVM given an archive that does not fit it (another jar or build) ignores it silently and starts as without one.
# cat of a 1M-row spool: about 0.2 s less (docs/benchmarks.md, "Tools: filters on every core, C1 and a class archive").

# cistern_share_archive JAR JAVA: the archive's path for this jar and runtime; nothing when there is no cache directory.
cistern_share_archive() {
  [ "${CISTERN_CLASS_SHARE:-on}" = off ] && return 0
  if [ -n "${CISTERN_CACHE_DIR:-}" ]; then d="$CISTERN_CACHE_DIR"
  elif [ -n "${XDG_CACHE_HOME:-}" ]; then d="$XDG_CACHE_HOME/cistern"
  elif [ -n "${HOME:-}" ]; then d="$HOME/.cache/cistern"
  else return 0
  fi
  key=$(printf '%s|%s' "$1" "$2" | cksum | cut -d' ' -f1)
  echo "$d/classes-$key.jsa"
}

# cistern_share_flags ARCHIVE JAR JAVA COMMAND: -XX:SharedArchiveFile=ARCHIVE when it is newer than the jar and the
# runtime; else, for a tool, the flag that records the classes loaded (ARCHIVE.classlist.PID, for cistern_share_dump).
cistern_share_flags() {
  [ -n "$1" ] || return 0
  case "${4:-}" in run | bench | "") return 0 ;; esac
  j=$(command -v "$3" 2>/dev/null || echo "$3")
  if [ -f "$1" ] && [ "$1" -nt "$2" ] && [ "$1" -nt "$j" ]; then
    echo "-XX:SharedArchiveFile=$1"
  elif [ -f "$1.failed" ] && [ "$1.failed" -nt "$2" ] && [ "$1.failed" -nt "$j" ]; then
    return 0 # this jar and runtime could not make one: not again
  elif mkdir -p "$(dirname "$1")" 2>/dev/null && [ -w "$(dirname "$1")" ]; then
    echo "-XX:DumpLoadedClassList=$1.classlist.$$"
  fi
}

# cistern_share_dump ARCHIVE JAR JAVA: in the background, detached from the terminal and the tool's output, dumps the
# classes recorded by this launcher's run into ARCHIVE (written aside, then renamed: a concurrent reader sees the old
# state or the whole archive).
cistern_share_dump() {
  list="$1.classlist.$$"
  [ -s "$list" ] || { rm -f "$list"; return 0; }
  (
    if nice "$3" -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$1.tmp.$$" -cp "$2" \
        < /dev/null > /dev/null 2>&1; then
      mv -f "$1.tmp.$$" "$1"
    else
      rm -f "$1.tmp.$$"
      : > "$1.failed"
    fi
    rm -f "$list"
  ) < /dev/null > /dev/null 2>&1 &
}
