package dev.cistern.spool;

import java.util.concurrent.atomic.LongAdder;

/** Counters a spool keeps while it runs; the agent exports them. Monotonic since open. */
public final class SpoolMetrics {
    final LongAdder segmentsSealed = new LongAdder();
    final LongAdder rowsSealed = new LongAdder();
    final LongAdder rawBytesSealed = new LongAdder();
    final LongAdder compressedBytesSealed = new LongAdder();
    final LongAdder sealNanos = new LongAdder();
    final LongAdder writeFailures = new LongAdder();
    final LongAdder progressDamaged = new LongAdder();
    final LongAdder progressWriteFailures = new LongAdder();
    /** Segments sealed per codec and level (0-22 covers every codec's levels). */
    private final LongAdder[][] sealedByLevel = new LongAdder[Codec.values().length][23];

    SpoolMetrics() {
        for (LongAdder[] byLevel : sealedByLevel) {
            for (int i = 0; i < byLevel.length; i++) byLevel[i] = new LongAdder();
        }
    }

    void sealedAt(CodecSettings s) {
        sealedByLevel[s.codec().ordinal()][s.level()].increment();
    }

    public long segmentsSealed() { return segmentsSealed.sum(); }
    /** Segments sealed that were compressed with this codec at this level. */
    public long segmentsSealedAt(Codec codec, int level) { return sealedByLevel[codec.ordinal()][level].sum(); }
    public long rowsSealed() { return rowsSealed.sum(); }
    public long rawBytesSealed() { return rawBytesSealed.sum(); }
    public long compressedBytesSealed() { return compressedBytesSealed.sum(); }
    /** Total time spent finishing, syncing and renaming segments. */
    public long sealNanos() { return sealNanos.sum(); }
    /** Segments abandoned after an I/O error (disk full and the like). */
    public long writeFailures() { return writeFailures.sum(); }
    /** Journal-fed spools: a {@code journal-progress.json} found damaged at open (names were used instead). */
    public long progressDamaged() { return progressDamaged.sum(); }
    /** Journal-fed spools: failed writes of {@code journal-progress.json} (retried; files it lacks are kept). */
    public long progressWriteFailures() { return progressWriteFailures.sum(); }
}
