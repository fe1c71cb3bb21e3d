package dev.cistern.agent.remotewrite;

import dev.cistern.spool.SegmentName;
import java.time.Duration;

/**
 * What the agent does with remote_write content Prometheus itself refuses or drops, as configured
 * under {@code ingest.remote_write}: series with invalid or duplicate label names are refused
 * (400 naming the series) or dropped and counted; staleness markers kept (stored as
 * {@code "value":"stale"}) or dropped; samples outside {@code [now - maxAge, now + maxFuture]}
 * refused or dropped. Whatever the window, no timestamp outside the spool's 1970-9999 is taken.
 */
public record RemoteWriteRules(boolean dropInvalidSeries, boolean dropStale, Duration maxAge, Duration maxFuture,
                               boolean dropOutOfWindow) {

    /** The defaults: refuse bad series and out-of-window samples, keep staleness markers, a window of 7 days back and 10 minutes ahead. */
    public static final RemoteWriteRules DEFAULT = new RemoteWriteRules(false, false, Duration.ofDays(7), Duration.ofMinutes(10), false);

    /** Prometheus' {@code value.StaleNaN}: the series ended. Any other NaN is a sample's value. */
    public static final long STALE_NAN = 0x7ff0000000000002L;

    /** The limits samples are held to at {@code nowMillis}. */
    public Limits limitsAt(long nowMillis) {
        long lo = Math.max(SegmentName.MIN_TS, saturatedAdd(nowMillis, -maxAge.toMillis()));
        long hi = Math.min(SegmentName.MAX_TS, saturatedAdd(nowMillis, maxFuture.toMillis()));
        return new Limits(lo, hi, dropStale);
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    /**
     * A sample passes when {@code minTs <= ts <= maxTs} and, if {@code refuseStale}, its value is
     * not a staleness marker: two compares on the hot path, and anything else takes the full walk.
     */
    public record Limits(long minTs, long maxTs, boolean refuseStale) {
        /** No window but the spool's range, markers kept: for bodies read back from the journal. */
        public static final Limits SPOOL_RANGE = new Limits(SegmentName.MIN_TS, SegmentName.MAX_TS, false);

        boolean passes(long ts, long valueBits) {
            return ts >= minTs && ts <= maxTs && !(refuseStale && valueBits == STALE_NAN);
        }
    }
}
