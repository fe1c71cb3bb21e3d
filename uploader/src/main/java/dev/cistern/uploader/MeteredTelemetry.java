package dev.cistern.uploader;

import dev.cistern.spool.QuarantineReason;
import dev.cistern.uploader.internal.Telemetry;
import java.time.Duration;

/** Binds what the uploader's parts report to its {@link UploaderMetrics} and the caller's {@link UploadListener}. */
final class MeteredTelemetry implements Telemetry {
    private final UploaderMetrics metrics;
    private final UploadListener listener;
    private final String destination;

    MeteredTelemetry(UploaderMetrics metrics, UploadListener listener) {
        this.metrics = metrics;
        this.listener = listener;
        this.destination = metrics.destination();
    }

    @Override
    public void attempted(boolean success, long bytes, long nanos) {
        metrics.attempt(success, nanos);
        listener.attempted(destination, success, bytes, Duration.ofNanos(nanos));
    }

    @Override
    public void retried() {
        metrics.retried();
        listener.retried(destination);
    }

    @Override
    public void finished(UploadItem item, UploadOutcome outcome) {
        metrics.finished(outcome, item.bytes());
        listener.finished(destination, item, outcome);
    }

    @Override
    public void quarantined(QuarantineReason reason) {
        metrics.quarantinedFor(reason);
    }

    @Override
    public void deferred(int files) {
        metrics.finishedDeferred(files);
    }

    @Override
    public void breakerChanged(BreakerState state) {
        metrics.breaker(state);
        listener.breakerChanged(destination, state);
    }

    @Override
    public void waiting(long files, long bytes, long oldestSinceMillis) {
        metrics.waiting(files, bytes, oldestSinceMillis);
    }
}
