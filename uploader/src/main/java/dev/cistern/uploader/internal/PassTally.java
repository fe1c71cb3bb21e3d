package dev.cistern.uploader.internal;

import dev.cistern.uploader.UploadOutcome;
import dev.cistern.uploader.UploadSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Counts of one pass, added to from worker threads. */
final class PassTally {
    private final UploadContext ctx;
    private int uploaded, skipped, failed, quarantined, deferred;
    private long bytes;
    private final List<UploadSummary.Problem> problems = new ArrayList<>();

    PassTally(UploadContext ctx) {
        this.ctx = ctx;
    }

    /** Adds a file's result; null (the file vanished) counts for nothing. */
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
            problems.add(new UploadSummary.Problem(ctx.relative(r.file().path()), r.key(), r.outcome(), r.message()));
        }
    }

    /** The summary, counting files never handed to a worker as deferred. */
    synchronized UploadSummary summary(int notDispatched, Duration elapsed) {
        return new UploadSummary(uploaded, skipped, failed, quarantined, deferred + notDispatched, bytes, elapsed,
                List.copyOf(problems));
    }
}
