package dev.cistern.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A spool directory, open for writing. One process at a time holds it (a lock file says so).
 * Opening runs recovery first; then {@link #writer(String)} gives a writer per stream and
 * {@link #scanner()} reads sealed rows back.
 *
 * <pre>{@code
 * try (Spool spool = Spool.open(SpoolConfig.builder(dir).build())) {
 *     StreamWriter w = spool.writer("metrics");
 *     w.append(Series.of("up", Labels.of("job", "node")), System.currentTimeMillis(), 1);
 * }   // close() seals everything
 * }</pre>
 */
public final class Spool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Spool.class.getName());
    /** Spool directories (real paths) this process has open. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final SpoolConfig config;
    private final SpoolLayout layout;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Path held;
    private final RecoveryReport recovery;
    private final Map<String, StreamWriter> writers = new ConcurrentHashMap<>();
    private final List<Consumer<SpoolEvent>> listeners = new CopyOnWriteArrayList<>();
    private final SpoolMetrics metrics = new SpoolMetrics();
    private final ScheduledExecutorService timer;
    private final BackgroundSealer sealer;
    private final JournalProgress progress; // journal-fed spools only
    private volatile boolean closed;

    private Spool(SpoolConfig config, SpoolLayout layout, FileChannel lockChannel, FileLock lock, Path held)
            throws IOException {
        this.config = config;
        this.held = held;
        this.layout = layout;
        this.lockChannel = lockChannel;
        this.lock = lock;
        Recovery recovering = new Recovery(layout, config);
        this.recovery = recovering.run();
        this.progress = config.replayedFromJournal()
                ? JournalProgress.open(layout, config.shardsPerStream(), metrics, config.journalSource()) : null;
        // the ledger records what the discarded temp files' streams are owed before the files go: a start after the
        // next crash may find no temp file of theirs, and must still replay those entries for them
        if (progress != null && !recovery.discardedStreams().isEmpty() && !progress.replaying(recovery.discardedStreams())) {
            LOG.warning("recovery: the journal ledger cannot record the streams replayed from the journal "
                    + recovery.discardedStreams() + "; their temp files are kept and discarded again at the next start");
        } else {
            recovering.deleteDiscarded();
        }
        this.sealer = new BackgroundSealer(this, config.replayedFromJournal());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cistern-rotation");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(10, Math.min(1000, config.rotation().maxAge().toMillis() / 4));
        timer.scheduleWithFixedDelay(this::sealAged, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** Opens (creating if needed) the spool directory, takes its lock and recovers what a crash left. */
    public static Spool open(SpoolConfig config) throws IOException {
        SpoolLayout layout = new SpoolLayout(config.directory());
        for (Path dir : List.of(layout.root(), layout.active(), layout.sealed(), layout.quarantine())) {
            Fsync.createDirectories(dir);
        }
        // Closing any descriptor of the lock file drops this process's lock on it (POSIX), so a second
        // open in this process must be refused before it touches the file.
        Path held = layout.root().toRealPath();
        if (!HELD.add(held)) throw inUse(layout, "another Spool in this process");
        try {
            return lockAndOpen(config, layout, held);
        } catch (IOException | RuntimeException e) {
            HELD.remove(held);
            throw e;
        }
    }

    private static Spool lockAndOpen(SpoolConfig config, SpoolLayout layout, Path held) throws IOException {
        FileChannel ch = FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw inUse(layout, "another process");
        }
        try {
            return new Spool(config, layout, ch, lock, held);
        } catch (IOException | RuntimeException e) {
            lock.release();
            ch.close();
            throw e;
        }
    }

    private static IOException inUse(SpoolLayout layout, String holder) {
        return new IOException("spool directory " + layout.root() + " is in use by " + holder + " (it holds "
                + layout.lockFile() + "); close it or use another directory");
    }

    public SpoolConfig config() { return config; }
    public SpoolLayout layout() { return layout; }
    public SpoolMetrics metrics() { return metrics; }
    BackgroundSealer sealer() { return sealer; }
    JournalProgress progress() { return progress; }
    Collection<StreamWriter> writers() { return writers.values(); }

    /** What recovery found and did when this spool opened. */
    public RecoveryReport recovery() { return recovery; }

    /**
     * Whether a sealed or uploaded file may be deleted (by retention, or an upload with {@code after: delete}).
     * Always true, except in a {@link JournalFedSpool} for a file its journal ledger does not cover yet:
     * deleting that one could make a restart replay its rows (see {@link JournalProgress}).
     */
    public boolean isSettled(SegmentName name) {
        return progress == null || progress.settled(name);
    }

    /** The writer for a stream (created on first use; one per stream per spool). */
    public StreamWriter writer(String stream) {
        StreamName.check(stream);
        if (closed) throw new IllegalStateException("spool " + layout.root() + " is closed");
        return writers.computeIfAbsent(stream, s -> new StreamWriter(this, s, config.shardsPerStream()));
    }

    /** Called with every segment sealed from now on, on the spool's sealing thread; keep it quick. */
    public void onSealed(Consumer<SealedSegment> listener) {
        subscribe(e -> {
            if (e.type() == SpoolEvent.Type.SEALED) listener.accept(new SealedSegment(e.path(), e.name()));
        });
    }

    /**
     * Hears every {@link SpoolEvent} from now on, on the thread that caused it; keep it quick
     * (hand work to a queue). A failing listener is logged and does not affect others.
     */
    public void subscribe(Consumer<SpoolEvent> listener) {
        listeners.add(listener);
    }

    /** Tells subscribers about something done to a file outside the writer (upload, quarantine, retention). */
    public void publish(SpoolEvent event) {
        for (Consumer<SpoolEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "spool listener failed for " + event, e);
            }
        }
    }

    public Scanner scanner() {
        return new Scanner(layout);
    }

    /** Makes everything appended so far durable without sealing open segments. */
    public void flush() throws IOException {
        for (StreamWriter w : writers.values()) w.flushOpen();
        sealer.await();
        sealer.check();
    }

    /** Seals every open segment now (in parallel with other shards' syncs); returns once they are sealed. */
    public void sealAll() throws IOException {
        IOException first = null;
        for (StreamWriter w : writers.values()) {
            try {
                w.handOver();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        sealer.await();
        if (first != null) throw first;
        sealer.check();
    }

    void sealed(SealedSegment s, long sealNanos, CodecSettings settings) {
        metrics.segmentsSealed.increment();
        metrics.sealedAt(settings);
        metrics.rowsSealed.add(s.name().rows());
        metrics.rawBytesSealed.add(s.name().rawBytes());
        try {
            metrics.compressedBytesSealed.add(Files.size(s.path()));
        } catch (IOException ignored) {
            // the file was just written; a stat failure only costs a metric
        }
        metrics.sealNanos.add(sealNanos);
        if (progress != null) progress.sealed(s.name()); // before anyone hears of it: the ledger is never behind a published name
        publish(new SpoolEvent(SpoolEvent.Type.SEALED, s.name(), s.path(), ""));
    }

    void writeFailed() {
        metrics.writeFailures.increment();
    }

    private void sealAged() {
        long maxAge = config.rotation().maxAge().toNanos();
        for (StreamWriter w : writers.values()) {
            try {
                w.sealIfOlderThan(maxAge);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "sealing aged segment of stream " + w.stream() + " failed", e);
            }
        }
    }

    /** Seals every open segment and releases the directory. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        timer.shutdown();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            try {
                sealAll();
            } finally {
                sealer.close();
            }
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } finally {
                HELD.remove(held);
            }
        }
    }
}
