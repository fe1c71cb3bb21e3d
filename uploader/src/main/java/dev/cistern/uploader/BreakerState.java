package dev.cistern.uploader;

/** The circuit breaker of a destination. */
public enum BreakerState {
    /** Uploads flow. */
    CLOSED,
    /** Too many failures: no attempts until the delay passes; the spool keeps buffering. */
    OPEN,
    /** Letting a probe through to see whether the destination is back. */
    HALF_OPEN
}
