package dev.cistern.spool;

/** Why retention deleted a file. Always counted and logged. */
public enum DropReason {
    /** Older than the configured maximum age. */
    MAX_AGE,
    /** An uploaded file (kept for replay) older than the configured maximum age for {@code uploaded/}. */
    UPLOADED_MAX_AGE,
    /** The spool was over its total byte limit. */
    MAX_TOTAL_BYTES,
    /** The filesystem had less free space than the configured minimum. */
    MIN_FREE_SPACE
}
