package dev.cistern.uploader;

import dev.cistern.spool.Quarantine;
import dev.cistern.spool.QuarantineReason;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SealedSegment;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.SpoolEvent;
import dev.cistern.spool.SpoolLayout;
import dev.cistern.uploader.log.UploadLog;
import dev.cistern.uploader.log.UploadRecord;
import dev.cistern.uploader.log.UploadStatus;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import dev.failsafe.TimeoutExceededException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

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
 */
public final class Uploader implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Uploader.class.getName());
    private static final int PREPARE_BATCH = 100;
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(30);
    private static final Duration TIMEOUT_GRACE = Duration.ofSeconds(1);

    private final SpoolLayout layout;
    private final Destination destination;
    private final String destinationName;
    private final UploadPolicy policy;
    private final UploadLog log;
    private final boolean ownsLog;
    private final UploadListener listener;
    private final Consumer<SpoolEvent> events;
    private final UploaderMetrics metrics;
    private final RetryPolicy<Object> retry;
    private final CircuitBreaker<Object> breaker;
    private final ExecutorService workers;
    private final PermanentFailures permanentFailures;
    private final Quarantine quarantine;
    private final Marker marker;
    private final Set<Path> inFlight = ConcurrentHashMap.newKeySet();
    /** Continuous mode: a file that failed waits until this time (epoch ms) before its next try. */
    private final Map<String, Long> notBefore = new ConcurrentHashMap<>();
    private final Map<Path, Waiting> known = new HashMap<>();
    private final ReentrantLock passLock = new ReentrantLock();
    private final Object wakeLock = new Object();
    private boolean woken;
    private volatile boolean closed;
    private Thread loop;
    private FileChannel lockChannel;
    private FileLock uploadLock;

    /** A file waiting to go up, with what a stat said about it. */
    private record Waiting(Path path, SegmentName name, long bytes, long sealedAtMillis) {}

    private Uploader(Builder b) throws IOException {
        this.layout = new SpoolLayout(b.spoolDir);
        this.destination = b.destination;
        this.destinationName = b.destination.name();
        this.policy = b.policy;
        this.listener = b.listener;
        this.events = b.events;
        this.metrics = new UploaderMetrics(destinationName);
        this.ownsLog = b.log == null;
        this.log = b.log != null ? b.log : UploadLog.open(layout.root());
        this.permanentFailures = PermanentFailures.fromLog(layout.root());
        this.quarantine = new Quarantine(layout);
        this.marker = new Marker(layout, policy.afterUpload());
        this.retry = RetryPolicy.builder()
                .handleIf(Uploader::retryable)
                .withBackoff(policy.backoffDelay(), policy.backoffMaxDelay())
                .withJitter(policy.jitter())
                .withMaxAttempts(policy.maxAttempts())
                .onRetry(e -> {
                    metrics.retried();
                    listener.retried(destinationName);
                })
                .build();
        this.breaker = CircuitBreaker.builder()
                .handleIf(e -> !(e instanceof FileGone))
                .withFailureRateThreshold(policy.breakerFailureRate(), policy.breakerMinAttempts(), policy.breakerWindow())
                .withDelay(policy.breakerDelay())
                .withSuccessThreshold(1)
                .onOpen(e -> breakerChanged(BreakerState.OPEN))
                .onHalfOpen(e -> breakerChanged(BreakerState.HALF_OPEN))
                .onClose(e -> breakerChanged(BreakerState.CLOSED))
                .build();
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(policy.concurrency(), r -> {
            Thread t = new Thread(r, "cistern-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
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
        if (closed) throw new IllegalStateException("uploader for " + layout.root() + " is closed");
        if (loop != null) return;
        takeUploadLock();
        loop = new Thread(this::runLoop, "cistern-uploader");
        loop.setDaemon(true);
        loop.start();
        LOG.info(() -> "uploading " + layout.sealed() + " to " + destinationName + " (" + policy + ")");
    }

    /** Starts a pass soon (call it when a segment is sealed). */
    public void wake() {
        synchronized (wakeLock) {
            woken = true;
            wakeLock.notifyAll();
        }
    }

    /**
     * Uploads again what is kept in {@code uploaded/} for these streams (all when empty) and the time
     * range [from, to) of their rows. Files stay where they are; nothing is quarantined.
     */
    public UploadSummary replay(Collection<String> streams, long from, long to) throws IOException {
        passLock.lock();
        try {
            List<Waiting> files = listUploaded(streams, from, to);
            return dispatch(files, true, System.nanoTime());
        } finally {
            passLock.unlock();
        }
    }

    private void runLoop() {
        while (!closed) {
            try {
                pass(true);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "upload pass over " + layout.sealed() + " failed: " + e.getMessage(), e);
            }
            synchronized (wakeLock) {
                long deadline = System.currentTimeMillis() + policy.scanInterval().toMillis();
                while (!woken && !closed) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) break;
                    try {
                        wakeLock.wait(left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                woken = false;
            }
        }
    }

    private UploadSummary pass(boolean continuous) throws IOException {
        passLock.lock();
        try {
            if (closed) throw new IllegalStateException("uploader for " + layout.root() + " is closed");
            takeUploadLock();
            long started = System.nanoTime();
            List<Waiting> waiting = scanSealed();
            long now = System.currentTimeMillis();
            List<Waiting> todo = new ArrayList<>(waiting.size());
            for (Waiting w : waiting) {
                if (inFlight.contains(w.path())) continue;
                if (continuous && notBefore.getOrDefault(w.name().fileName(), 0L) > now) continue;
                todo.add(w);
            }
            return dispatch(todo, false, started);
        } finally {
            passLock.unlock();
        }
    }

    /** Uploads the files with bounded concurrency, stopping early while the breaker is open. */
    private UploadSummary dispatch(List<Waiting> todo, boolean replay, long started) throws IOException {
        PassTally tally = new PassTally();
        // The pool runs `concurrency` uploads; one more file per thread waits queued, so a thread
        // that finishes starts its next file at once instead of waiting for this thread to wake.
        int slotCount = policy.concurrency() * 2;
        Semaphore slots = new Semaphore(slotCount);
        int prepared = 0;
        int i = 0;
        try {
            for (; i < todo.size() && !closed; i++) {
                if (blocked()) break;
                if (breaker.isHalfOpen()) {
                    // let the probe finish before sending more: it decides whether the breaker closes
                    slots.acquire(slotCount);
                    slots.release(slotCount);
                    if (blocked()) break;
                }
                if (i >= prepared) {
                    prepare(todo.subList(i, Math.min(todo.size(), i + PREPARE_BATCH)));
                    prepared = i + PREPARE_BATCH;
                }
                slots.acquire();
                if (blocked() || closed) {
                    slots.release();
                    break;
                }
                Waiting w = todo.get(i);
                inFlight.add(w.path());
                try {
                    workers.execute(() -> {
                        try {
                            tally.add(uploadOne(w, replay));
                        } catch (RuntimeException e) {
                            LOG.log(Level.WARNING, "uploading " + w.path() + " failed unexpectedly", e);
                            tally.add(new FileResult(w, itemKey(w), UploadOutcome.FAILED, String.valueOf(e)));
                        } finally {
                            inFlight.remove(w.path());
                            slots.release();
                        }
                    });
                } catch (RejectedExecutionException e) {
                    inFlight.remove(w.path());
                    slots.release();
                    break; // closing
                }
            }
            slots.acquire(slotCount);
            slots.release(slotCount);
            marker.drain(); // a pass returns once every file it uploaded is marked durably
            log.flush();    // and its attempts are in the log file
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading " + layout.root());
        }
        int deferred = todo.size() - i;
        if (deferred > 0 && !closed) {
            metrics.finishedDeferred(deferred);
            LOG.info(() -> deferred + " files wait: the circuit breaker of " + destinationName + " is open for "
                    + breaker.getRemainingDelay().toSeconds() + "s more");
        }
        if (!replay) refreshWaiting();
        return tally.summary(closed ? 0 : deferred, Duration.ofNanos(System.nanoTime() - started));
    }

    /** Open and still within its delay. Once the delay is over the breaker half-opens on the next attempt. */
    private boolean blocked() {
        return breaker.isOpen() && !breaker.getRemainingDelay().isZero();
    }

    private void prepare(List<Waiting> batch) {
        if (policy.dryRun()) return;
        List<UploadItem> items = new ArrayList<>(batch.size());
        for (Waiting w : batch) items.add(item(w));
        try {
            destination.prepare(items);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "preparing " + items.size() + " uploads to " + destinationName + " failed; each is prepared on its own", e);
        }
    }

    private UploadItem item(Waiting w) {
        return new UploadItem(w.path(), w.name(), destination.keyFor(w.name()), w.bytes(), policy.timeoutFor(w.bytes()));
    }

    private String itemKey(Waiting w) {
        try {
            return destination.keyFor(w.name());
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** One file through the whole policy: dry run, attempts with retry, then mark, quarantine or leave in place. */
    private FileResult uploadOne(Waiting w, boolean replay) {
        UploadItem item = item(w);
        String rel = relative(w.path());
        if (policy.dryRun()) {
            record(item, rel, UploadStatus.SKIPPED, "dry run: would upload " + item.bytes() + " bytes to " + item.key(), 0, 1, false, replay);
            return finish(item, w, UploadOutcome.SKIPPED, "");
        }
        Attempts attempts = new Attempts();
        try {
            // The destination enforces item.timeout() itself where it can (S3, HTTP); this backstop
            // interrupts an attempt that did not stop a moment later (a local copy, a stuck call).
            Failsafe.with(retry, breaker, Timeout.builder(item.timeout().plus(TIMEOUT_GRACE)).withInterrupt().build())
                    .run(ctx -> attempt(item, rel, ctx.getAttemptCount() + 1, replay, attempts));
        } catch (FileGone e) {
            return null;
        } catch (CircuitBreakerOpenException e) {
            if (attempts.count == 0) return finish(item, w, UploadOutcome.DEFERRED, "circuit breaker open");
            return failed(item, w, attempts.lastMessage + " (then the circuit breaker opened)");
        } catch (TimeoutExceededException e) {
            return failed(item, w, "timed out after " + item.timeout().toMillis() + " ms (" + attempts.count + " attempts)");
        } catch (FailsafeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof FileGone) return null;
            return afterFailure(item, w, replay, attempts, cause);
        } catch (RuntimeException e) {
            return afterFailure(item, w, replay, attempts, e);
        } finally {
            Thread.interrupted(); // a timeout interrupt must not leak into the next file on this thread
        }
        if (!replay) {
            permanentFailures.clear(w.name().fileName());
            notBefore.remove(w.name().fileName());
            marker.mark(w.path(), w.name(), (now, error) -> {
                if (error != null) {
                    LOG.log(Level.WARNING, "uploaded " + w.path() + " to " + item.key() + " but could not "
                            + (policy.afterUpload() == AfterUpload.MOVE ? "move it to " + layout.uploaded() : "delete it")
                            + ": " + error.getMessage() + "; it will be uploaded again to the same key", error);
                } else {
                    publish(new SpoolEvent(SpoolEvent.Type.UPLOADED, w.name(), now == null ? w.path() : now, destinationName));
                }
            });
        }
        return finish(item, w, UploadOutcome.UPLOADED, "");
    }

    private FileResult afterFailure(UploadItem item, Waiting w, boolean replay, Attempts attempts, Throwable cause) {
        String message = attempts.lastMessage != null ? attempts.lastMessage : String.valueOf(cause.getMessage());
        boolean permanent = cause instanceof DestinationException d && d.permanent();
        String name = w.name().fileName();
        if (permanent && !replay) {
            int count = permanentFailures.get(name);
            if (count >= policy.permanentFailureLimit()) {
                try {
                    Path moved = quarantine.move(w.path(), w.name().stream(), QuarantineReason.REJECTED_BY_DESTINATION,
                            destinationName + " refused key " + item.key() + " " + count + " times; last: " + message);
                    permanentFailures.clear(name);
                    notBefore.remove(name);
                    publish(new SpoolEvent(SpoolEvent.Type.QUARANTINED, w.name(), moved,
                            QuarantineReason.REJECTED_BY_DESTINATION + ": " + message));
                    LOG.warning(() -> "quarantined " + w.path() + " -> " + moved + ": " + destinationName + " refused it "
                            + count + " times (" + message + ")");
                    return finish(item, w, UploadOutcome.QUARANTINED, message);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "could not quarantine " + w.path() + ": " + e.getMessage(), e);
                }
            }
            notBefore.put(name, System.currentTimeMillis() + policy.permanentRetryDelay().toMillis());
        } else if (!replay) {
            notBefore.put(name, System.currentTimeMillis() + policy.backoffMaxDelay().toMillis());
        }
        return failed(item, w, message);
    }

    private FileResult failed(UploadItem item, Waiting w, String message) {
        LOG.warning(() -> "upload of " + w.path() + " to " + destinationName + " failed: " + message);
        return finish(item, w, UploadOutcome.FAILED, message);
    }

    private FileResult finish(UploadItem item, Waiting w, UploadOutcome outcome, String message) {
        metrics.finished(outcome, item.bytes());
        listener.finished(destinationName, item, outcome);
        return new FileResult(w, item.key(), outcome, message);
    }

    /** One attempt: the destination's put, timed, logged and classified. */
    private void attempt(UploadItem item, String rel, int attemptNo, boolean replay, Attempts attempts) throws IOException {
        if (!Files.exists(item.file())) throw new FileGone();
        long t0 = System.nanoTime();
        try {
            destination.put(item);
        } catch (IOException | RuntimeException e) {
            long nanos = System.nanoTime() - t0;
            boolean interrupted = Thread.interrupted();
            if (!Files.exists(item.file())) throw new FileGone(); // taken by retention meanwhile: not a failure
            DestinationException d = classify(e, interrupted, item);
            String message = d.getMessage();
            if (d.permanent() && !replay) {
                int count = permanentFailures.increment(item.segment().fileName());
                message += " (permanent failure " + count + " of " + policy.permanentFailureLimit() + ")";
            }
            attempts.failed(message);
            record(item, rel, UploadStatus.FAILED, message, nanos, attemptNo, d.permanent(), replay);
            metrics.attempt(false, nanos);
            listener.attempted(destinationName, false, item.bytes(), Duration.ofNanos(nanos));
            throw d;
        }
        long nanos = System.nanoTime() - t0;
        attempts.count++;
        record(item, rel, UploadStatus.SUCCESS, replay ? "replay" : "", nanos, attemptNo, false, replay);
        metrics.attempt(true, nanos);
        listener.attempted(destinationName, true, item.bytes(), Duration.ofNanos(nanos));
    }

    private DestinationException classify(Throwable e, boolean interrupted, UploadItem item) {
        if (e instanceof DestinationException d) return d;
        if (closed && interrupted) return DestinationException.retryable("interrupted: the uploader is closing", 0, e);
        if (interrupted || e instanceof InterruptedIOException || e instanceof ClosedByInterruptException) {
            return DestinationException.retryable("timed out after " + item.timeout().toMillis() + " ms", 0, e);
        }
        String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return DestinationException.retryable(what, 0, e);
    }

    private static boolean retryable(Throwable e) {
        if (e instanceof DestinationException d) return !d.permanent();
        if (e instanceof FileGone || e instanceof CircuitBreakerOpenException) return false;
        return e instanceof TimeoutExceededException || e instanceof IOException;
    }

    private void record(UploadItem item, String rel, UploadStatus status, String message, long nanos, int attempt,
                        boolean permanent, boolean replay) {
        UploadRecord r = new UploadRecord(System.currentTimeMillis(), rel, item.segment().stream(), destinationName,
                item.key(), status, message, TimeUnit.NANOSECONDS.toMillis(nanos), item.bytes(), attempt, permanent,
                policy.dryRun(), replay);
        try {
            log.append(r);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not write the upload log in " + log.directory() + ": " + e.getMessage(), e);
        }
    }

    private void publish(SpoolEvent e) {
        try {
            events.accept(e);
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "a spool event subscriber failed on " + e, ex);
        }
    }

    private void breakerChanged(BreakerState state) {
        metrics.breaker(state);
        listener.breakerChanged(destinationName, state);
        switch (state) {
            case OPEN -> LOG.warning(() -> "circuit breaker for " + destinationName + " is OPEN: " + breaker.getFailureRate()
                    + "% of the last " + breaker.getExecutionCount() + " attempts failed; no attempts for "
                    + policy.breakerDelay().toSeconds() + "s, the spool keeps buffering");
            case HALF_OPEN -> LOG.info(() -> "circuit breaker for " + destinationName + " is HALF_OPEN: probing");
            case CLOSED -> LOG.info(() -> "circuit breaker for " + destinationName + " is CLOSED: uploads flow again");
        }
    }

    /** Sealed files, oldest first, with sizes from a stat cached between scans. */
    private List<Waiting> scanSealed() throws IOException {
        List<SealedSegment> segments = Scanner.of(layout.root()).segments(ScanQuery.waitingForUpload());
        Map<Path, Waiting> seen = new HashMap<>(segments.size() * 2);
        List<Waiting> out = new ArrayList<>(segments.size());
        for (SealedSegment s : segments) {
            Waiting w = known.get(s.path());
            if (w == null) {
                try {
                    BasicFileAttributes a = Files.readAttributes(s.path(), BasicFileAttributes.class);
                    w = new Waiting(s.path(), s.name(), a.size(), a.lastModifiedTime().toMillis());
                } catch (NoSuchFileException e) {
                    continue;
                }
            }
            seen.put(s.path(), w);
            out.add(w);
        }
        known.clear();
        known.putAll(seen);
        refreshWaiting();
        return out;
    }

    private void refreshWaiting() {
        long files = 0;
        long bytes = 0;
        long oldest = Long.MAX_VALUE;
        for (Waiting w : known.values()) {
            if (!Files.exists(w.path())) continue;
            files++;
            bytes += w.bytes();
            oldest = Math.min(oldest, w.sealedAtMillis());
        }
        metrics.waiting(files, bytes, files == 0 ? -1 : oldest);
    }

    private List<Waiting> listUploaded(Collection<String> streams, long from, long to) throws IOException {
        Path root = layout.uploaded();
        List<Waiting> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        List<Path> files;
        try (Stream<Path> s = Files.walk(root, 4)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(SegmentName.SUFFIX)).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path f : files) {
            SealedSegment seg = SealedSegment.of(f);
            if (seg == null) continue;
            if (!streams.isEmpty() && !streams.contains(seg.name().stream())) continue;
            if (!seg.name().overlaps(from, to)) continue;
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                out.add(new Waiting(f, seg.name(), a.size(), a.lastModifiedTime().toMillis()));
            } catch (NoSuchFileException e) {
                // removed by retention while we listed
            }
        }
        out.sort(Comparator.comparingLong((Waiting w) -> w.name().minTs()).thenComparing(w -> w.name().id()));
        return out;
    }

    private String relative(Path p) {
        Path r = layout.root().relativize(p.toAbsolutePath().normalize());
        return r.toString().replace('\\', '/');
    }

    private synchronized void takeUploadLock() throws IOException {
        if (uploadLock != null) return;
        Path lockFile = layout.root().resolve(".upload.lock");
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // held by another uploader in this JVM
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            ch.close();
            throw new IOException("another uploader is working on " + layout.root() + " (it holds " + lockFile
                    + "); stop it first, or upload from one place only");
        }
        lockChannel = ch;
        uploadLock = l;
    }

    /**
     * Stops: no new uploads start; uploads under way get 30 seconds to finish, then are interrupted (their files stay and go up next time). Closes the destination.
     */
    @Override
    public void close() throws IOException {
        Thread l;
        synchronized (this) {
            if (closed) return;
            closed = true;
            l = loop;
        }
        wake();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
                workers.awaitTermination(10, TimeUnit.SECONDS);
            }
            if (l != null) l.join(CLOSE_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
        try {
            marker.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IOException first = null;
        try {
            destination.close();
        } catch (IOException e) {
            first = e;
        }
        if (ownsLog) {
            try {
                log.close();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        synchronized (this) {
            if (uploadLock != null) {
                try {
                    uploadLock.release();
                    lockChannel.close();
                } catch (IOException e) {
                    if (first == null) first = e;
                }
            }
        }
        if (first != null) throw first;
    }

    /** Thrown when the file vanished (another uploader or retention took it): not a failure. */
    private static final class FileGone extends RuntimeException {
        FileGone() {
            super(null, null, false, false);
        }
    }

    /** What the attempts at one file said, for the final message. */
    private static final class Attempts {
        volatile int count;
        volatile String lastMessage;

        void failed(String message) {
            count++;
            lastMessage = message;
        }
    }

    private record FileResult(Waiting file, String key, UploadOutcome outcome, String message) {}

    /** Counts of one pass, added to from worker threads. */
    private final class PassTally {
        private int uploaded, skipped, failed, quarantined, deferred;
        private long bytes;
        private final List<UploadSummary.Problem> problems = new ArrayList<>();

        synchronized void add(FileResult r) {
            if (r == null) return;
            switch (r.outcome()) {
                case UPLOADED -> {
                    uploaded++;
                    bytes += r.file().bytes();
                }
                case SKIPPED -> skipped++;
                case FAILED -> failed++;
                case QUARANTINED -> quarantined++;
                case DEFERRED -> deferred++;
            }
            if (r.outcome() != UploadOutcome.UPLOADED && r.outcome() != UploadOutcome.SKIPPED) {
                problems.add(new UploadSummary.Problem(relative(r.file().path()), r.key(), r.outcome(), r.message()));
            }
        }

        synchronized UploadSummary summary(int notDispatched, Duration elapsed) {
            return new UploadSummary(uploaded, skipped, failed, quarantined, deferred + notDispatched, bytes, elapsed,
                    List.copyOf(problems));
        }
    }

    public static final class Builder {
        private final Path spoolDir;
        private final Destination destination;
        private UploadPolicy policy = UploadPolicy.DEFAULT;
        private UploadListener listener = new UploadListener() { };
        private Consumer<SpoolEvent> events = e -> { };
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
