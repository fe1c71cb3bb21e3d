package dev.cistern.uploader.internal;

import dev.cistern.spool.SpoolEvent;
import dev.cistern.uploader.AfterUpload;
import dev.cistern.uploader.DestinationException;
import dev.cistern.uploader.UploadItem;
import dev.cistern.uploader.UploadOutcome;
import dev.cistern.uploader.UploadPolicy;
import dev.cistern.uploader.internal.AttemptLog.Attempt;
import dev.cistern.uploader.log.UploadStatus;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import dev.failsafe.TimeoutExceededException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One file through the Failsafe pipeline (retry with backoff and jitter, circuit breaker, timeout),
 * then marked done, quarantined or left in place. Runs on upload threads.
 */
final class FilePipeline {
    private static final Logger LOG = Logger.getLogger(FilePipeline.class.getName());
    private static final Duration TIMEOUT_GRACE = Duration.ofSeconds(1);

    private final UploadContext ctx;
    private final Breaker breaker;
    private final RetryPolicy<Object> retry;
    private final AttemptLog log;
    private final FailureBook book;
    private final MarkQueue marks;

    FilePipeline(UploadContext ctx, Breaker breaker, AttemptLog log, FailureBook book, MarkQueue marks) {
        this.ctx = ctx;
        this.breaker = breaker;
        this.log = log;
        this.book = book;
        this.marks = marks;
        UploadPolicy policy = ctx.policy();
        this.retry = RetryPolicy.builder()
                .handleIf(Failures::retryable)
                .withBackoff(policy.backoffDelay(), policy.backoffMaxDelay())
                .withJitter(policy.jitter())
                .withMaxAttempts(policy.maxAttempts())
                .onRetry(e -> ctx.telemetry().retried())
                .build();
    }

    /** What the attempts at one file said, for the final message. */
    private static final int DRY_RUN_MEMORY = 100_000;
    private final Set<String> dryRunLogged = ConcurrentHashMap.newKeySet();

    private static final class Attempts {
        volatile int count;
        volatile String lastMessage;

        void failed(String message) {
            count++;
            lastMessage = message;
        }
    }

    /** Dry run, or attempts with retry, then mark, quarantine or leave in place; null when the file vanished. */
    FileResult upload(Waiting w, boolean replay) {
        UploadItem item = ctx.item(w);
        String rel = ctx.relative(w.path());
        if (ctx.policy().dryRun()) {
            // once per file and size, not once per scan: a dry run must not push real history out of the log
            if (dryRunLogged.size() > DRY_RUN_MEMORY) dryRunLogged.clear();
            if (dryRunLogged.add(rel + '\0' + item.bytes() + '\0' + replay)) {
                log.record(new Attempt(item, rel, 1, replay), UploadStatus.SKIPPED,
                        "dry run: would upload " + item.bytes() + " bytes to " + item.key(), 0, false);
            }
            return finish(item, w, UploadOutcome.SKIPPED, "");
        }
        Attempts attempts = new Attempts();
        try {
            // The destination enforces item.timeout() itself where it can (S3, HTTP); this backstop
            // interrupts an attempt that did not stop a moment later (a local copy, a stuck call).
            Failsafe.with(retry, breaker.policy(), Timeout.builder(item.timeout().plus(TIMEOUT_GRACE)).withInterrupt().build())
                    .run(run -> attempt(new Attempt(item, rel, run.getAttemptCount() + 1, replay), attempts));
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
        if (!replay) markUploaded(item, w);
        return finish(item, w, UploadOutcome.UPLOADED, "");
    }

    private void markUploaded(UploadItem item, Waiting w) {
        book.forget(w.name().fileName());
        marks.mark(w.path(), w.name(), (now, error) -> {
            if (error != null) {
                LOG.log(Level.WARNING, "uploaded " + w.path() + " to " + item.key() + " but could not "
                        + (ctx.policy().afterUpload() == AfterUpload.MOVE ? "move it to " + ctx.layout().uploaded() : "delete it")
                        + ": " + error.getMessage() + "; it will be uploaded again to the same key", error);
            } else {
                ctx.publish(new SpoolEvent(SpoolEvent.Type.UPLOADED, w.name(), now == null ? w.path() : now, ctx.destinationName()));
            }
        });
    }

    private FileResult afterFailure(UploadItem item, Waiting w, boolean replay, Attempts attempts, Throwable cause) {
        String message = attempts.lastMessage != null ? attempts.lastMessage : String.valueOf(cause.getMessage());
        boolean permanent = cause instanceof DestinationException d && d.permanent();
        if (!replay && book.failed(item, w, permanent, message)) return finish(item, w, UploadOutcome.QUARANTINED, message);
        return failed(item, w, message);
    }

    private FileResult failed(UploadItem item, Waiting w, String message) {
        LOG.warning(() -> "upload of " + w.path() + " to " + ctx.destinationName() + " failed: " + message);
        return finish(item, w, UploadOutcome.FAILED, message);
    }

    private FileResult finish(UploadItem item, Waiting w, UploadOutcome outcome, String message) {
        ctx.telemetry().finished(item, outcome);
        return new FileResult(w, item.key(), outcome, message);
    }

    /** One attempt: the destination's put, timed, logged and classified. */
    private void attempt(Attempt a, Attempts attempts) throws IOException {
        UploadItem item = a.item();
        if (!Files.exists(item.file())) throw new FileGone();
        long t0 = System.nanoTime();
        try {
            ctx.destination().put(item);
        } catch (IOException | RuntimeException e) {
            long nanos = System.nanoTime() - t0;
            boolean interrupted = Thread.interrupted();
            if (!Files.exists(item.file())) throw new FileGone(); // taken by retention meanwhile: not a failure
            DestinationException d = Failures.classify(e, interrupted, ctx.closed(), item.timeout());
            String message = d.getMessage();
            if (d.permanent() && !a.replay()) {
                int count = book.refused(item.segment().fileName());
                message += " (permanent failure " + count + " of " + ctx.policy().permanentFailureLimit() + ")";
            }
            attempts.failed(message);
            log.record(a, UploadStatus.FAILED, message, nanos, d.permanent());
            ctx.telemetry().attempted(false, item.bytes(), nanos);
            throw d;
        }
        long nanos = System.nanoTime() - t0;
        attempts.count++;
        log.record(a, UploadStatus.SUCCESS, a.replay() ? "replay" : "", nanos, false);
        ctx.telemetry().attempted(true, item.bytes(), nanos);
    }
}
