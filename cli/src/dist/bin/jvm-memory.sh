# Sourced by bin/cistern (the archive's and the source tree's): the JVM's memory defaults, sized the way a sidecar
# must be rather than left at the JVM's heap of a quarter of the machine (docs/operations.md, "Memory").
# JAVA_OPTS always wins: a default is left out when JAVA_OPTS sets the same thing, so no two collectors are asked
# for and a MaxRAMPercentage given is not hidden behind the default -Xmx.

# cistern_heap_mib JAVA_OPTS: the heap JAVA_OPTS asks for with -Xmx (the last one), in MiB; nothing when it does not.
cistern_heap_mib() {
  h=""
  for a in ${1:-}; do case "$a" in -Xmx*) h="${a#-Xmx}" ;; esac; done
  case "$h" in
    "") ;;
    *[gG]) echo $((${h%[gG]} * 1024)) ;;
    *[mM]) echo "${h%[mM]}" ;;
    *[kK]) echo $((${h%[kK]} / 1024)) ;;
    *) echo $((h / 1048576)) ;;
  esac
}

# cistern_thp_offered: whether the kernel gives transparent huge pages to memory that asks (madvise) or to all
cistern_thp_offered() {
  { read -r t < /sys/kernel/mm/transparent_hugepage/enabled; } 2>/dev/null || return 1
  case "$t" in *"[always]"* | *"[madvise]"*) return 0 ;; *) return 1 ;; esac
}

# cistern_memory_flags JAVA_OPTS COMMAND [JAVA]: prints the defaults JAVA_OPTS does not set. The sizes are for `run` (the
# agent) only: the other commands are short-lived tools, and `bench` holds a whole load in its heap. JAVA is the
# runtime, asked whether it can trim its native heap.
cistern_memory_flags() {
  # the JVM reads these two as well: a collector named there must not meet a second one here
  o=" ${1:-} ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} "
  case "${2:-}" in
    run) ;;
    bench | "") return 0 ;;
    # the tools (cat, ls, stats, verify...) keep the JVM's heap but start with the serial collector: cat of a
    # 1M-row spool took 0.9 s instead of 1.0 (G1 sets up its regions and threads; docs/benchmarks.md, "Decoding on
    # every core, and a lighter start"); and with C1 alone, whose code is ready sooner: C2 spent a second of CPU
    # compiling cat's filters on 2 cores, and cat --label of 1M rows took 1.2-1.3 s instead of 1.5-1.8, of 4M rows
    # 3.2 s instead of 3.4 ("Tools: filters on every core, C1 and a class archive")
    *) case "$o" in *-XX:+Use*GC*) ;; *) echo " -XX:+UseSerialGC" ;; esac
       case "$o" in *TieredStopAtLevel* | *TieredCompilation*) ;; *) echo " -XX:TieredStopAtLevel=1" ;; esac
       # and the heap in transparent huge pages where the kernel has them: cat's decoded blocks fill an eden never
       # touched before, a page fault every 4 KiB (19,000 over 1M rows, a fifth of the CPU); 2 MiB at a time, cat
       # --from --to of 1M rows took 0.42 s instead of 0.53, --grep 0.41 instead of 0.49, for 13-35 MB more RSS
       # (docs/benchmarks.md, "Huge pages for the tools' heap"). Not for the agent nor a long-running upload: their
       # resident set is sized.
       case "${2:-}$o" in upload* | *HugePages* | *LargePages* | *HugeTLBFS* | *UseSHM*) ;;
         *) cistern_thp_offered && echo " -XX:+UseTransparentHugePages" ;;
       esac
       return 0 ;;
  esac
  f=""
  heap="$(cistern_heap_mib "${1:-}")"
  # 128 MiB: the default config's live heap was 35-67 MiB under the issue-13 load (class histograms), and at 128 MiB
  # it ran without a full collection; 256 MiB only filled its old generation with garbage (docs/benchmarks.md,
  # "Default heap")
  case "$o" in
    *" -Xmx"* | *MaxHeapSize* | *MaxRAM* | *InitialRAMPercentage* | *MinRAMPercentage*) ;;
    *) f="$f -Xmx128m"; heap=128 ;;
  esac
  # a heap of 128 MiB or less (the default too): C1 alone, for C2's arenas and code took 25-50 MiB besides the heap
  # (at quality 5 the lanes' time is Brotli's, native, whichever compiler); and glibc keeps what the compiler's arenas
  # and the encoders free, so the JVM hands it back every second where it can (17.0.11 and later: asked first)
  if [ -n "$heap" ] && [ "$heap" -le 128 ]; then
    case "$o" in *TieredStopAtLevel* | *TieredCompilation*) ;; *) f="$f -XX:TieredStopAtLevel=1" ;; esac
    case "$o" in
      *TrimNativeHeapInterval*) ;;
      *) if [ -n "${3:-}" ] && "$3" -XX:TrimNativeHeapInterval=1000 -version > /dev/null 2>&1; then
           f="$f -XX:TrimNativeHeapInterval=1000"
         fi ;;
    esac
  fi
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
