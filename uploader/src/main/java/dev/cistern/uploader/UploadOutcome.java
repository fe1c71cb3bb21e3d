package dev.cistern.uploader;

/** How one file fared in one pass of the uploader. */
public enum UploadOutcome {
    /** The destination confirmed it, and it was marked (moved to uploaded/ or deleted). */
    UPLOADED,
    /** Dry run: everything but the upload. */
    SKIPPED,
    /** Every attempt failed; the file stays where it is and is tried again later. */
    FAILED,
    /** Refused for good too many times: moved to quarantine/. */
    QUARANTINED,
    /** Not attempted because the destination's circuit breaker is open; the file stays where it is. */
    DEFERRED
}
