package dev.cistern.agent.ingest;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Holds a request back while the journal lag is above the pace mark ({@code journal.pace_above_bytes}), so that a
 * load the lanes cannot seal even at their cheapest quality is taken at the rate they seal it, instead of filling the
 * journal to {@code journal.max_lag_bytes} and then being refused. Past the mark adaptive quality is already at its
 * floor, so taking more only grows the backlog. A request waits at most {@link #MAX_WAIT_NANOS} and then goes on
 * ({@code max_lag_bytes} still refuses past the limit): the sender sees latency, which remote_write absorbs (more
 * shards, its WAL), never a refusal. Thread-safe.
 */
final class IngestPacing {
    /** Well under any sender's timeout (Prometheus' remote_timeout is 30 s), and long enough for a lane to seal an entry. */
    static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final Logger LOG = Logger.getLogger(IngestPacing.class.getName());

    /** Where each wait is counted. */
    interface Waits {
        void paced(long nanos);
    }

    private final LongSupplier lag;
    private final long maxWaitNanos;
    private final Waits waits;
    private volatile long loggedAt = System.nanoTime() - LOG_EVERY_NANOS;

    IngestPacing(LongSupplier lag, long maxWaitNanos, Waits waits) {
        this.lag = lag;
        this.maxWaitNanos = maxWaitNanos;
        this.waits = waits;
    }

    /** Returns once the lag is at most {@code mark}, or after the longest wait; the nanoseconds waited (0: none). */
    long awaitRoom(long mark) {
        long behind = lag.getAsLong();
        if (behind <= mark) return 0;
        long start = System.nanoTime();
        if (start - loggedAt >= LOG_EVERY_NANOS) {
            loggedAt = start;
            LOG.info("ingest paced: the journal holds " + behind + " bytes not yet sealed, above journal.pace_above_bytes ("
                    + mark + "); requests wait up to " + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos)
                    + " ms for the sealer lanes (cistern_ingest_paced_total; logged at most once a minute)");
        }
        long waited;
        do {
            LockSupport.parkNanos(POLL_NANOS);
            waited = System.nanoTime() - start;
        } while (lag.getAsLong() > mark && waited < maxWaitNanos && !Thread.currentThread().isInterrupted());
        waits.paced(waited);
        return waited;
    }
}
