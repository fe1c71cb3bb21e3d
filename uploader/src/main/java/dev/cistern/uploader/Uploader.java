package dev.cistern.uploader;

import dev.cistern.spool.SegmentName;
import dev.cistern.spool.SpoolEvent;
import dev.cistern.spool.SpoolLayout;
import dev.cistern.uploader.internal.Closer;
import dev.cistern.uploader.internal.Dispatcher;
import dev.cistern.uploader.internal.MarkQueue;
import dev.cistern.uploader.internal.ReplayListing;
import dev.cistern.uploader.internal.SealedScan;
import dev.cistern.uploader.internal.Telemetry;
import dev.cistern.uploader.internal.UploadContext;
import dev.cistern.uploader.internal.UploadLock;
import dev.cistern.uploader.internal.Waiting;
import dev.cistern.uploader.internal.WatchLoop;
import dev.cistern.uploader.log.UploadLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Ships sealed segments of a spool to one {@link Destination}: oldest first, a few at a time,
 * each attempt under a timeout, retried with exponential backoff and jitter when the failure may
 * pass, behind a circuit breaker that stops attempts while the destination is down (the spool
 * keeps buffering). A file is marked done (moved to {@code uploaded/} or deleted) only after the
 * destination confirmed it, so a crash in between uploads it again to the same key. A file the
 * destination refuses for good too many times moves to {@code quarantine/}. Every attempt is
 * written to the {@link UploadLog}.
 *
 * <p>Use {@link #runOnce()} for batch jobs, or {@link #start()} to keep watching (and
 * {@link #wake()} when a segment is sealed). One uploader per spool directory at a time: a lock
 * file ({@code .upload.lock}) makes sure.
 *
 * <p>This class is the front: the jobs live in {@code dev.cistern.uploader.internal}
 * ({@link WatchLoop}, {@link SealedScan}, {@link Dispatcher} and what it drives, {@link ReplayListing},
 * {@link UploadLock}).
 */
public final class Uploader implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Uploader.class.getName());
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(30);

    private final SpoolLayout layout;
    private final Destination destination;
    private final UploadPolicy policy;
    private final UploaderMetrics metrics;
    private final UploadLog log;
    private final boolean ownsLog;
    private final UploadLock uploadLock;
    private final SealedScan sealed;
    private final ReplayListing kept;
    private final Dispatcher dispatcher;
    private final Marker marker;
    private final WatchLoop loop;
    private final Predicate<SegmentName> settled;
    private final ReentrantLock passLock = new ReentrantLock();
    private volatile boolean closed;

    private Uploader(Builder b) throws IOException {
        this.layout = new SpoolLayout(b.spoolDir);
        this.destination = b.destination;
        this.policy = b.policy;
        this.settled = b.settled;
        this.metrics = new UploaderMetrics(destination.name());
        Telemetry telemetry = new MeteredTelemetry(metrics, b.listener);
        this.ownsLog = b.log == null;
        this.log = b.log != null ? b.log : UploadLog.open(layout.root());
        UploadContext ctx = new UploadContext(layout, destination, policy, telemetry, b.events, () -> closed);
        this.uploadLock = new UploadLock(layout.root());
        this.sealed = new SealedScan(layout.root(), telemetry);
        this.kept = new ReplayListing(layout);
        this.dispatcher = new Dispatcher(ctx, log, marks());
        this.marker = new Marker(layout, policy.afterUpload());
        this.loop = new WatchLoop(layout.sealed(), policy.scanInterval(), () -> pass(true));
    }

    /** The marker, as the dispatcher sees it (it is made after the dispatcher, which reads the log first). */
    private MarkQueue marks() {
        return new MarkQueue() {
            @Override
            public void mark(Path file, SegmentName name, BiConsumer<Path, IOException> done) {
                marker.mark(file, name, done);
            }

            @Override
            public void drain() throws InterruptedException {
                marker.drain();
            }
        };
    }

    public static Builder builder(Path spoolDir, Destination destination) {
        return new Builder(spoolDir, destination);
    }

    public UploaderMetrics metrics() { return metrics; }
    public UploadPolicy policy() { return policy; }
    public Destination destination() { return destination; }

    /** Uploads everything waiting in {@code sealed/} now, oldest first, and returns what happened. */
    public UploadSummary runOnce() throws IOException {
        return pass(false);
    }

    /** Keeps uploading in the background: a pass every scan interval, or sooner after {@link #wake()}. */
    public synchronized void start() throws IOException {
        if (closed) throw closedError();
        if (loop.started()) return;
        uploadLock.take();
        loop.start();
        LOG.info(() -> "uploading " + layout.sealed() + " to " + destination.name() + " (" + policy + ")");
    }

    /** Starts a pass soon (call it when a segment is sealed). */
    public void wake() {
        loop.wake();
    }

    /**
     * Uploads again what is kept in {@code uploaded/} for these streams (all when empty) and the time
     * range [from, to) of their rows. Files stay where they are; nothing is quarantined.
     */
    public UploadSummary replay(Collection<String> streams, long from, long to) throws IOException {
        passLock.lock();
        try {
            return dispatcher.dispatch(kept.list(streams, from, to), true, System.nanoTime());
        } finally {
            passLock.unlock();
        }
    }

    private UploadSummary pass(boolean continuous) throws IOException {
        passLock.lock();
        try {
            if (closed) throw closedError();
            uploadLock.take();
            long started = System.nanoTime();
            List<Waiting> waiting = sealed.scan();
            if (policy.afterUpload() == AfterUpload.DELETE) waiting = waiting.stream().filter(w -> settled.test(w.name())).toList();
            UploadSummary summary = dispatcher.dispatch(dispatcher.due(waiting, continuous), false, started);
            sealed.refreshGauges();
            return summary;
        } finally {
            passLock.unlock();
        }
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("uploader for " + layout.root() + " is closed");
    }

    /**
     * Stops: no new uploads start; uploads under way get 30 seconds to finish, then are interrupted
     * (their files stay and go up next time). Closes the destination.
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        loop.stop();
        try {
            dispatcher.shutdown(CLOSE_GRACE);
            loop.join(CLOSE_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dispatcher.shutdownNow();
        }
        try {
            marker.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Closer closer = new Closer();
        closer.close(destination::close);
        if (ownsLog) closer.close(log::close);
        closer.close(uploadLock::release);
        closer.rethrow();
    }

    public static final class Builder {
        private final Path spoolDir;
        private final Destination destination;
        private UploadPolicy policy = UploadPolicy.DEFAULT;
        private UploadListener listener = new UploadListener() { };
        private Consumer<SpoolEvent> events = e -> { };
        private Predicate<SegmentName> settled = n -> true;
        private UploadLog log;

        private Builder(Path spoolDir, Destination destination) {
            this.spoolDir = Objects.requireNonNull(spoolDir, "spool directory");
            this.destination = Objects.requireNonNull(destination, "destination");
        }

        public Builder policy(UploadPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public Builder listener(UploadListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Where to announce {@code UPLOADED} and {@code QUARANTINED} spool events; inside the agent,
         * pass {@code spool::publish}.
         */
        public Builder events(Consumer<SpoolEvent> events) {
            this.events = Objects.requireNonNull(events, "events");
            return this;
        }

        /**
         * Which sealed files may be deleted once uploaded; with {@code after: delete}, a file not
         * settled yet is left for a later pass. Inside the agent, pass {@code spool::isSettled}
         * (its journal ledger must record a file before the file can go).
         */
        public Builder settled(Predicate<SegmentName> settled) {
            this.settled = Objects.requireNonNull(settled, "settled");
            return this;
        }

        /** An upload log to share (the caller closes it); by default the spool's own log is opened. */
        public Builder log(UploadLog log) {
            this.log = log;
            return this;
        }

        /** Builds the uploader; it takes ownership of the destination and closes it. */
        public Uploader build() throws IOException {
            if (!Files.isDirectory(spoolDir)) {
                throw new NoSuchFileException(spoolDir.toString(), null, "spool directory does not exist");
            }
            return new Uploader(this);
        }
    }
}
