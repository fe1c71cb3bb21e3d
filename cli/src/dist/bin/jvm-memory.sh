# Sourced by bin/cistern (the archive's and the source tree's): the JVM's memory defaults, sized the way a sidecar
# must be rather than left at the JVM's heap of a quarter of the machine (docs/operations.md, "Memory").
# JAVA_OPTS always wins: a default is left out when JAVA_OPTS sets the same thing, so no two collectors are asked
# for and a MaxRAMPercentage given is not hidden behind the default -Xmx.

# cistern_memory_flags JAVA_OPTS COMMAND: prints the defaults JAVA_OPTS does not set, for `run` (the agent) only: the
# other commands are short-lived tools, and `bench` holds a whole load in its heap.
cistern_memory_flags() {
  [ "${2:-}" = run ] || return 0
  o=" ${1:-} "
  f=""
  case "$o" in *" -Xmx"* | *MaxHeapSize* | *MaxRAM* | *InitialRAMPercentage* | *MinRAMPercentage*) ;; *) f="$f -Xmx256m" ;; esac
  case "$o" in *-XX:+Use*GC*) ;; *) f="$f -XX:+UseSerialGC" ;; esac
  case "$o" in *MaxDirectMemorySize*) ;; *) f="$f -XX:MaxDirectMemorySize=64m" ;; esac
  case "$o" in *" -Xss"* | *ThreadStackSize*) ;; *) f="$f -Xss512k" ;; esac
  case "$o" in *MaxMetaspaceSize*) ;; *) f="$f -XX:MaxMetaspaceSize=128m" ;; esac
  case "$o" in *ReservedCodeCacheSize*) ;; *) f="$f -XX:ReservedCodeCacheSize=64m" ;; esac
  case "$o" in *maxCachedBufferSize*) ;; *) f="$f -Djdk.nio.maxCachedBufferSize=262144" ;; esac
  echo "$f"
}

# glibc's malloc makes up to 8 arenas a core for threads that allocate natively (Brotli's encoders, Chronicle):
# two hold what this agent mallocs without contention worth measuring.
MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export MALLOC_ARENA_MAX
