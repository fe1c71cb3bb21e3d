package dev.cistern.uploader;

import dev.cistern.spool.QuarantineReason;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and gauges of one uploader (one destination), as plain getters. Counters only grow;
 * gauges (waiting files and bytes, oldest waiting file) are refreshed at the start and end of
 * every pass, the breaker state as it changes. For a latency histogram, listen with {@link UploadListener#attempted}.
 */
public final class UploaderMetrics {
    private final String destination;
    private final Map<UploadOutcome, LongAdder> outcomes = new EnumMap<>(UploadOutcome.class);
    private final Map<QuarantineReason, LongAdder> quarantinedBy = new EnumMap<>(QuarantineReason.class);
    private final LongAdder attemptsSucceeded = new LongAdder();
    private final LongAdder attemptsFailed = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder bytesUploaded = new LongAdder();
    private final LongAdder latencyNanos = new LongAdder();
    private final AtomicLong latencyMaxNanos = new AtomicLong();
    private final LongAdder breakerOpened = new LongAdder();
    private volatile BreakerState breakerState = BreakerState.CLOSED;
    private volatile long waitingFiles;
    private volatile long waitingBytes;
    private volatile long oldestWaitingSinceMillis = -1;

    UploaderMetrics(String destination) {
        this.destination = destination;
        for (UploadOutcome o : UploadOutcome.values()) outcomes.put(o, new LongAdder());
        for (QuarantineReason r : QuarantineReason.values()) quarantinedBy.put(r, new LongAdder());
    }

    /** The destination these numbers are about. */
    public String destination() { return destination; }

    /** Files by how they fared (a file deferred in several passes counts in each). */
    public long files(UploadOutcome outcome) { return outcomes.get(outcome).sum(); }

    public long uploaded() { return files(UploadOutcome.UPLOADED); }
    public long quarantined() { return files(UploadOutcome.QUARANTINED); }

    /** Files the uploader moved to quarantine for this reason (a failed check before upload, or refusals). */
    public long quarantined(QuarantineReason reason) { return quarantinedBy.get(reason).sum(); }

    /** Attempts by result; every attempt counts, retries included. */
    public long attempts(boolean succeeded) { return (succeeded ? attemptsSucceeded : attemptsFailed).sum(); }

    public long retries() { return retries.sum(); }

    /** Bytes of files the destination confirmed. */
    public long bytesUploaded() { return bytesUploaded.sum(); }

    /** Latency of attempts: count, total and the slowest. */
    public long latencyCount() { return attemptsSucceeded.sum() + attemptsFailed.sum(); }
    public Duration latencyTotal() { return Duration.ofNanos(latencyNanos.sum()); }
    public Duration latencyMax() { return Duration.ofNanos(latencyMaxNanos.get()); }

    public BreakerState breakerState() { return breakerState; }

    /** Times the breaker opened. */
    public long breakerOpened() { return breakerOpened.sum(); }

    /** Sealed files waiting to go up, and their bytes. */
    public long waitingFiles() { return waitingFiles; }
    public long waitingBytes() { return waitingBytes; }

    /** Age of the oldest waiting file (since it was sealed); zero when nothing waits. */
    public Duration oldestWaitingAge() {
        long since = oldestWaitingSinceMillis;
        return since < 0 ? Duration.ZERO : Duration.ofMillis(Math.max(0, System.currentTimeMillis() - since));
    }

    void attempt(boolean success, long nanos) {
        (success ? attemptsSucceeded : attemptsFailed).increment();
        latencyNanos.add(nanos);
        latencyMaxNanos.accumulateAndGet(nanos, Math::max);
    }

    void retried() { retries.increment(); }

    void quarantinedFor(QuarantineReason reason) { quarantinedBy.get(reason).increment(); }

    void finished(UploadOutcome outcome, long bytes) {
        outcomes.get(outcome).increment();
        if (outcome == UploadOutcome.UPLOADED) bytesUploaded.add(bytes);
    }

    void finishedDeferred(int files) {
        outcomes.get(UploadOutcome.DEFERRED).add(files);
    }

    void breaker(BreakerState state) {
        if (state == BreakerState.OPEN && breakerState != BreakerState.OPEN) breakerOpened.increment();
        breakerState = state;
    }

    void waiting(long files, long bytes, long oldestSinceMillis) {
        waitingFiles = files;
        waitingBytes = bytes;
        oldestWaitingSinceMillis = oldestSinceMillis;
    }

    @Override
    public String toString() {
        return "uploaded=" + uploaded() + " failed=" + files(UploadOutcome.FAILED) + " quarantined=" + quarantined()
                + " skipped=" + files(UploadOutcome.SKIPPED) + " deferred=" + files(UploadOutcome.DEFERRED)
                + " bytes=" + bytesUploaded() + " attempts=" + latencyCount() + " retries=" + retries()
                + " breaker=" + breakerState + " waiting=" + waitingFiles + " files/" + waitingBytes + " bytes";
    }
}
