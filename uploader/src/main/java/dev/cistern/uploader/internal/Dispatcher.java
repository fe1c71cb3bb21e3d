package dev.cistern.uploader.internal;

import dev.cistern.spool.Quarantine;
import dev.cistern.uploader.UploadItem;
import dev.cistern.uploader.UploadOutcome;
import dev.cistern.uploader.UploadSummary;
import dev.cistern.uploader.log.UploadLog;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Bounded dispatch: hands files, oldest first, to {@code concurrency} upload threads, stops early
 * while the circuit breaker is open, and lets a half-open breaker's probe finish before sending more.
 */
public final class Dispatcher {
    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());
    private static final int PREPARE_BATCH = 100;

    private final UploadContext ctx;
    private final Breaker breaker;
    private final FailureBook book;
    private final AttemptLog attempts;
    private final FilePipeline pipeline;
    private final MarkQueue marks;
    private final ExecutorService workers;
    /** The pool runs `concurrency` uploads; one more file per thread waits queued, so a thread that
     *  finishes starts its next file at once instead of waiting for the dispatching thread to wake. */
    private final int slotCount;
    private final Set<Path> inFlight = ConcurrentHashMap.newKeySet();

    /** Reads the permanent failures so far from the upload log. */
    public Dispatcher(UploadContext ctx, UploadLog log, MarkQueue marks) throws IOException {
        this.ctx = ctx;
        this.marks = marks;
        this.book = new FailureBook(ctx, PermanentFailures.fromLog(ctx.layout().root()), new Quarantine(ctx.layout()));
        this.breaker = new Breaker(ctx);
        this.attempts = new AttemptLog(ctx, log);
        this.pipeline = new FilePipeline(ctx, breaker, attempts, book, marks, new IntegrityGate(ctx, new Quarantine(ctx.layout())));
        this.slotCount = ctx.policy().concurrency() * 2;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(ctx.policy().concurrency(), r -> {
            Thread t = new Thread(r, "cistern-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The files a pass should try: not uploading already and, in continuous mode, past their wait after a failure. */
    public List<Waiting> due(List<Waiting> waiting, boolean continuous) {
        long now = System.currentTimeMillis();
        List<Waiting> todo = new ArrayList<>(waiting.size());
        for (Waiting w : waiting) {
            if (inFlight.contains(w.path())) continue;
            if (continuous && !book.due(w, now)) continue;
            todo.add(w);
        }
        return todo;
    }

    /** Uploads the files with bounded concurrency; returns once each is done, marked and logged. */
    public UploadSummary dispatch(List<Waiting> todo, boolean replay, long startedNanos) throws IOException {
        PassTally tally = new PassTally(ctx);
        Semaphore slots = new Semaphore(slotCount);
        int sent;
        try {
            sent = sendAll(todo, replay, tally, slots);
            slots.acquire(slotCount);
            slots.release(slotCount);
            marks.drain();    // a pass returns once every file it uploaded is marked durably
            attempts.flush(); // and its attempts are in the log file
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading " + ctx.layout().root());
        }
        int deferred = todo.size() - sent;
        if (deferred > 0 && !ctx.closed()) {
            ctx.telemetry().deferred(deferred);
            LOG.info(() -> deferred + " files wait: the circuit breaker of " + ctx.destinationName() + " is open for "
                    + breaker.remainingDelay().toSeconds() + "s more");
        }
        return tally.summary(ctx.closed() ? 0 : deferred, Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    /** Hands files to the workers in order until all are handed, the uploader closes or the breaker blocks; returns how many. */
    private int sendAll(List<Waiting> todo, boolean replay, PassTally tally, Semaphore slots) throws InterruptedException {
        int prepared = 0;
        int i = 0;
        for (; i < todo.size() && !ctx.closed(); i++) {
            if (!gate(slots)) break;
            if (i >= prepared) {
                prepare(todo.subList(i, Math.min(todo.size(), i + PREPARE_BATCH)));
                prepared = i + PREPARE_BATCH;
            }
            slots.acquire();
            if (breaker.blocked() || ctx.closed()) {
                slots.release();
                break;
            }
            if (!send(todo.get(i), replay, tally, slots)) break; // closing
        }
        return i;
    }

    /** False while the breaker is open; when half-open, lets the probe finish first: it decides whether the breaker closes. */
    private boolean gate(Semaphore slots) throws InterruptedException {
        if (breaker.blocked()) return false;
        if (!breaker.halfOpen()) return true;
        slots.acquire(slotCount);
        slots.release(slotCount);
        return !breaker.blocked();
    }

    /** Starts one file on a worker, which gives its slot back when done; false when the workers are shut down. */
    private boolean send(Waiting w, boolean replay, PassTally tally, Semaphore slots) {
        inFlight.add(w.path());
        try {
            workers.execute(() -> {
                try {
                    tally.add(pipeline.upload(w, replay));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "uploading " + w.path() + " failed unexpectedly", e);
                    tally.add(new FileResult(w, ctx.keyOrEmpty(w), UploadOutcome.FAILED, String.valueOf(e)));
                } finally {
                    inFlight.remove(w.path());
                    slots.release();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            inFlight.remove(w.path());
            slots.release();
            return false;
        }
    }

    /** Lets the destination prepare a batch at once (presigned URLs); a failure leaves each file to prepare itself. */
    private void prepare(List<Waiting> batch) {
        if (ctx.policy().dryRun()) return;
        List<UploadItem> items = new ArrayList<>(batch.size());
        for (Waiting w : batch) items.add(ctx.item(w));
        try {
            ctx.destination().prepare(items);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "preparing " + items.size() + " uploads to " + ctx.destinationName()
                    + " failed; each is prepared on its own", e);
        }
    }

    /** No new uploads start; those under way get {@code grace} to finish, then are interrupted. */
    public void shutdown(Duration grace) throws InterruptedException {
        workers.shutdown();
        if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            workers.shutdownNow();
            workers.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Interrupts the uploads under way at once. */
    public void shutdownNow() {
        workers.shutdownNow();
    }
}
