package dev.cistern.uploader.internal;

import dev.cistern.spool.QuarantineReason;
import dev.cistern.uploader.BreakerState;
import dev.cistern.uploader.UploadItem;
import dev.cistern.uploader.UploadOutcome;

/** What the uploader's parts report as they work: bound to the uploader's metrics and listener by its front. */
public interface Telemetry {

    /** One attempt ended. */
    void attempted(boolean success, long bytes, long nanos);

    /** An attempt failed and another is scheduled. */
    void retried();

    /** A file is done for this pass. */
    void finished(UploadItem item, UploadOutcome outcome);

    /** A file moved to quarantine, and why (its outcome is reported by {@link #finished} as well). */
    default void quarantined(QuarantineReason reason) {
    }

    /** Files left for a later pass while the breaker is open. */
    void deferred(int files);

    void breakerChanged(BreakerState state);

    /** The waiting gauges: files and bytes in sealed/, and when the oldest was sealed (-1 for none). */
    void waiting(long files, long bytes, long oldestSinceMillis);
}
