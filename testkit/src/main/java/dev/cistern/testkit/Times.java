package dev.cistern.testkit;

/** Timestamps tests share, so files written by one test read the same in another. */
public final class Times {
    /** 2025-11-22T01:00:00Z, the start of an hour. */
    public static final long T0 = 1763773200000L;
    public static final long HOUR = 3_600_000L;

    private Times() {}
}
