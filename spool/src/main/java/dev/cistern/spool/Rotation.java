package dev.cistern.spool;

import java.time.Duration;
import java.util.Objects;

/**
 * When an open segment is sealed: whichever limit is reached first. Age is measured from the
 * segment's first row, and a timer seals quiet segments too, so a trickle still ships.
 */
public record Rotation(long maxRows, long maxBytes, Duration maxAge) {

    public static final Rotation DEFAULT = new Rotation(250_000, 64L << 20, Duration.ofSeconds(60));

    public Rotation {
        if (maxRows < 1) throw new IllegalArgumentException("rotation maxRows must be at least 1, was " + maxRows);
        if (maxBytes < 1) throw new IllegalArgumentException("rotation maxBytes must be at least 1, was " + maxBytes);
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("rotation maxAge must be positive, was " + maxAge);
        }
    }

    public Rotation withMaxRows(long rows) { return new Rotation(rows, maxBytes, maxAge); }
    public Rotation withMaxBytes(long bytes) { return new Rotation(maxRows, bytes, maxAge); }
    public Rotation withMaxAge(Duration age) { return new Rotation(maxRows, maxBytes, age); }
}
