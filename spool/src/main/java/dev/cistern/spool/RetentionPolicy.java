package dev.cistern.spool;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on a spool's disk use, and what to do when they are hit. A zero or null bound is off.
 *
 * @param maxAge         files in {@code sealed/} and {@code uploaded/} older than this (since sealing) are dropped
 * @param maxTotalBytes  journal + active + sealed + uploaded
 * @param minFreeBytes   free bytes to keep on the data directory's filesystem
 * @param minFreePercent free percent to keep on that filesystem
 * @param overflow       what happens when uploaded files are gone and a limit still holds
 * @param uploadedMaxAge files in {@code uploaded/} (already sent, kept for replay) older than this are dropped
 */
public record RetentionPolicy(Duration maxAge, long maxTotalBytes, long minFreeBytes, int minFreePercent,
                              Overflow overflow, Duration uploadedMaxAge) {

    public static final RetentionPolicy NONE = new RetentionPolicy(null, 0, 0, 0, Overflow.BLOCK);

    /** No separate bound on {@code uploaded/}. */
    public RetentionPolicy(Duration maxAge, long maxTotalBytes, long minFreeBytes, int minFreePercent, Overflow overflow) {
        this(maxAge, maxTotalBytes, minFreeBytes, minFreePercent, overflow, null);
    }

    /** When reclaiming uploaded files is not enough. */
    public enum Overflow {
        /** Keep every unsent file; ingest answers 503 with Retry-After until space returns. */
        BLOCK,
        /** Drop unsent sealed files, oldest first, to make room. */
        DROP_OLDEST,
        /** Keep every unsent file; new rows are dropped (counted) until space returns. */
        DROP_NEWEST
    }

    public RetentionPolicy {
        Objects.requireNonNull(overflow, "overflow");
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) throw new IllegalArgumentException("maxAge must be positive");
        if (uploadedMaxAge != null && (uploadedMaxAge.isNegative() || uploadedMaxAge.isZero())) {
            throw new IllegalArgumentException("uploadedMaxAge must be positive");
        }
        if (maxTotalBytes < 0 || minFreeBytes < 0) throw new IllegalArgumentException("byte limits must not be negative");
        if (minFreePercent < 0 || minFreePercent > 99) throw new IllegalArgumentException("minFreePercent must be 0-99");
    }
}
