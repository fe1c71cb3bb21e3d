package dev.cistern.spool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A journal-fed spool's ledger of what is sealed, kept durable in {@code journal-progress.json} so
 * that the resume point does not depend on files that retention or an upload with
 * {@code after: delete} may remove. It records, per stream and lane, the highest journal index
 * sealed, and per lane the index through which every stream is sealed ("complete through").
 *
 * <p>It is never ahead of what is sealed: a segment's index is recorded after its file is renamed
 * into {@code sealed/}, before the SEALED event; "complete through" is computed by the applier from
 * the segments not yet sealed. A file whose index the durable ledger does not yet cover is not
 * {@linkplain #settled settled}: retention and uploads that delete leave it until it is. Lanes
 * follow the journal-fed rule: entry {@code i} is in lane {@code i mod lanes}.
 *
 * <p>It also records, per stream and lane, the entries a stream is owed ("replaying"): when the open
 * segments of a stream are discarded (recovery after a crash, or a replan after a write failure), its
 * rows of the lane's entries after its sealed index, up to the highest index any stream has sealed in
 * the lane, exist nowhere but in the journal. That is recorded before the temp files go, and kept until
 * the stream (or "complete through") has sealed past it: a later start that finds no temp file of the
 * stream (killed again before it wrote anything) must still replay them for it, not take them as sealed.
 *
 * <p>A missing or damaged file means no ledger: at open the names in {@code sealed/} and
 * {@code uploaded/} are merged in (a damaged file is logged and counted), and startup never fails.
 */
public final class JournalProgress {
    private static final Logger LOG = Logger.getLogger(JournalProgress.class.getName());
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Per lane, the index through which every stream is sealed; per stream and lane its highest sealed index (-1: none);
     * and per stream and lane the index through which it is owed entries its discarded open segments held (-1: none).
     */
    public record Snapshot(long[] completeThrough, Map<String, long[]> sealedThrough, Map<String, long[]> replaying) {
        public Snapshot(long[] completeThrough, Map<String, long[]> sealedThrough) {
            this(completeThrough, sealedThrough, Map.of());
        }

        public static Snapshot empty(int lanes) {
            long[] none = new long[lanes];
            Arrays.fill(none, -1);
            return new Snapshot(none, Map.of());
        }

        public int lanes() {
            return completeThrough.length;
        }

        /** Whether the journal index of {@code name} (in lane {@code lane}) is recorded here. */
        boolean covers(String stream, long index, int lane) {
            if (index <= completeThrough[lane]) return true;
            long[] own = sealedThrough.get(stream);
            return own != null && index <= own[lane];
        }
    }

    private final JournalProgressFile file;
    private final JournalSource source;
    private final int lanes;
    private final SpoolMetrics metrics;
    private final long[] completeThrough;
    private final Map<String, long[]> sealedThrough = new HashMap<>();
    private final Map<String, long[]> replaying = new HashMap<>();
    private volatile Snapshot durable;
    private boolean dirty;
    private long lastFailure;
    private boolean failing;

    private JournalProgress(JournalProgressFile file, int lanes, SpoolMetrics metrics, Snapshot start, JournalSource source) {
        this.file = file;
        this.source = source;
        this.lanes = lanes;
        this.metrics = metrics;
        this.completeThrough = start.completeThrough().clone();
        start.sealedThrough().forEach((s, own) -> sealedThrough.put(s, own.clone()));
        start.replaying().forEach((s, owed) -> replaying.put(s, owed.clone()));
        this.durable = copy();
    }

    /** Reads the ledger of the spool at {@code layout} and merges in the sealed and uploaded names. */
    static JournalProgress open(SpoolLayout layout, int lanes, SpoolMetrics metrics, JournalSource source) throws IOException {
        JournalProgressFile file = new JournalProgressFile(layout.root(), source);
        Snapshot start = null;
        try {
            start = file.read(lanes);
        } catch (JournalProgressFile.DamagedException e) {
            metrics.progressDamaged.increment();
            LOG.warning(e.getMessage() + "; using the sealed and uploaded file names alone, and rewriting it");
        }
        JournalProgress p = new JournalProgress(file, lanes, metrics, start == null ? Snapshot.empty(lanes) : start, source);
        p.dirty = start == null;
        for (Path root : new Path[] {layout.sealed(), layout.uploaded()}) p.mergeNames(root);
        synchronized (p) {
            p.writeIfDirty();
        }
        return p;
    }

    private void mergeNames(Path root) throws IOException {
        for (Path f : TreeFiles.under(root)) {
            SegmentName n = SegmentName.tryParse(f.getFileName().toString());
            if (n != null) raise(n);
        }
    }

    /**
     * Records that the open segments of {@code streams} are about to be discarded: each is owed, per lane, the entries
     * after what it has sealed up to the highest index sealed in the lane by any stream. Written through; false when
     * the write failed (the caller then keeps the temp files, so the next start discards them again).
     */
    public synchronized boolean replaying(Set<String> streams) {
        long[] m = completeThrough.clone();
        for (long[] own : sealedThrough.values()) for (int l = 0; l < lanes; l++) m[l] = Math.max(m[l], own[l]);
        for (String stream : streams) {
            long[] owed = replaying.computeIfAbsent(stream, s -> Snapshot.empty(lanes).completeThrough());
            for (int l = 0; l < lanes; l++) {
                if (m[l] > owed[l]) {
                    owed[l] = m[l];
                    dirty = true;
                }
            }
            settle(stream);
        }
        writeIfDirty();
        return !dirty;
    }

    /** Drops what {@code stream} is owed in the lanes where it, or every stream, has sealed that far. */
    private void settle(String stream) {
        long[] owed = replaying.get(stream);
        if (owed == null) return;
        long[] own = sealedThrough.get(stream);
        boolean any = false;
        for (int l = 0; l < lanes; l++) {
            if (owed[l] >= 0 && (owed[l] <= completeThrough[l] || own != null && owed[l] <= own[l])) {
                owed[l] = -1;
                dirty = true;
            }
            any |= owed[l] >= 0;
        }
        if (!any) {
            replaying.remove(stream);
            dirty = true;
        }
    }

    /** Records a segment just renamed into {@code sealed/}; written through before this returns, when the disk lets it. */
    synchronized void sealed(SegmentName name) {
        raise(name);
        writeIfDirty();
    }

    /** Records, per lane, that every stream is sealed through {@code through[lane]} (never lowered); written through. */
    public synchronized void completeThrough(long[] through) {
        if (through.length != lanes) throw new IllegalArgumentException(through.length + " lanes given, the ledger has " + lanes);
        for (int l = 0; l < lanes; l++) {
            if (through[l] > completeThrough[l]) {
                completeThrough[l] = through[l];
                dirty = true;
            }
        }
        for (String s : List.copyOf(replaying.keySet())) settle(s);
        writeIfDirty();
    }

    /**
     * Whether the durable ledger covers the journal index of {@code name}, so its file may be deleted
     * without moving the resume point back. Always true for a segment not fed from a journal. When the
     * last write failed, this retries it (at most once a second).
     */
    public boolean settled(SegmentName name) {
        if (name.source() == SegmentName.NO_SOURCE || !source.owns(name)) return true; // another journal's: no resume point
        int lane = laneOf(name.source());
        if (durable.covers(name.stream(), name.source(), lane)) return true;
        synchronized (this) {
            if (dirty && System.nanoTime() - lastFailure > RETRY_NANOS) writeIfDirty();
        }
        return durable.covers(name.stream(), name.source(), lane);
    }

    /** What is recorded now (sealed, written or not); what the resume plan reads. */
    public synchronized Snapshot snapshot() {
        return copy();
    }

    private synchronized void raise(SegmentName n) {
        if (n.source() == SegmentName.NO_SOURCE || !source.owns(n)) return;
        long[] own = sealedThrough.computeIfAbsent(n.stream(), s -> Snapshot.empty(lanes).completeThrough());
        int lane = laneOf(n.source());
        if (n.source() > own[lane]) {
            own[lane] = n.source();
            dirty = true;
        }
        settle(n.stream());
    }

    private void writeIfDirty() {
        if (!dirty) return;
        Snapshot s = copy();
        try {
            file.write(s);
        } catch (IOException | RuntimeException e) {
            lastFailure = System.nanoTime();
            metrics.progressWriteFailures.increment();
            if (!failing) {
                LOG.log(Level.WARNING, "cannot write " + file.path() + "; files it does not cover are kept (not deleted"
                        + " by retention or uploads) until a write succeeds: free space on its filesystem", e);
            }
            failing = true;
            return;
        }
        if (failing) LOG.info(file.path() + " written again");
        failing = false;
        dirty = false;
        durable = s;
    }

    private int laneOf(long index) {
        return (int) Math.floorMod(index, (long) lanes);
    }

    private Snapshot copy() {
        Map<String, long[]> streams = new TreeMap<>();
        sealedThrough.forEach((s, own) -> streams.put(s, own.clone()));
        Map<String, long[]> owed = new TreeMap<>();
        replaying.forEach((s, o) -> owed.put(s, o.clone()));
        return new Snapshot(completeThrough.clone(), streams, owed);
    }
}
