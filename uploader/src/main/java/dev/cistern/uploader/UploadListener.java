package dev.cistern.uploader;

import java.time.Duration;

/**
 * Hears what the uploader does, for metrics (the agent binds this to Micrometer) and progress
 * bars. Called on uploader threads: keep it quick and thread-safe. Every method has a no-op default.
 */
public interface UploadListener {

    /** One attempt ended: success or failure, with its latency. */
    default void attempted(String destination, boolean success, long bytes, Duration latency) {
    }

    /** An attempt failed and another is scheduled. */
    default void retried(String destination) {
    }

    /** A file is done for this pass. */
    default void finished(String destination, UploadItem item, UploadOutcome outcome) {
    }

    /** The destination's circuit breaker changed state. */
    default void breakerChanged(String destination, BreakerState state) {
    }
}
