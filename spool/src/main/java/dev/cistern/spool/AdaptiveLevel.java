package dev.cistern.spool;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Chooses the compression level of each segment as it opens, between a floor and a ceiling, from how
 * far the writers are behind: the backlog, in bytes accepted and not yet written into the spool (the
 * agent's journal lag). A segment compresses as its rows are written, so its level is fixed when it
 * opens; the controller only decides which level the next segment gets.
 *
 * <p>Codec-neutral: a level is the codec's own number (Brotli quality, zstd or gzip level), higher
 * meaning smaller and slower. Down fast, up slowly, so it neither flaps nor lets the backlog run away:
 * <ul>
 *   <li>backlog at or over {@code high}, or over {@code low} and larger than at the last decision:
 *       one level down (decisions are at most one per {@link #DECIDE_EVERY});</li>
 *   <li>backlog under {@code low}: one level up per {@code upHold} it has stayed there;</li>
 *   <li>otherwise (between the marks and shrinking): hold.</li>
 * </ul>
 * A step down soon after a step up means the higher level cannot keep up: {@code upHold} doubles (up to
 * {@link #MAX_UP_HOLD}), so the level settles just below the edge of what the CPU allows instead of
 * climbing into it every few seconds; it halves again after a quiet spell. Thread-safe.
 */
public final class AdaptiveLevel {
    public static final long DECIDE_EVERY = TimeUnit.SECONDS.toNanos(1);
    public static final long BASE_UP_HOLD = TimeUnit.SECONDS.toNanos(5);
    public static final long MAX_UP_HOLD = TimeUnit.MINUTES.toNanos(5);

    private final int min;
    private final int max;
    private final LongSupplier backlog;
    private final long high;
    private final long low;
    private final LongSupplier clock;
    private volatile int level;
    private long decidedAt;
    private long lastBacklog;
    private long lowSince = -1; // when the backlog went under low, or -1 while it is not
    private long lastUp = Long.MIN_VALUE / 2;
    private long lastDown = Long.MIN_VALUE / 2;
    private long upHold = BASE_UP_HOLD;

    /**
     * @param backlog bytes behind now; {@code high} and {@code low} are its marks (0 < low < high)
     * @param clock   nanoseconds, as {@link System#nanoTime()}
     */
    public AdaptiveLevel(int min, int max, LongSupplier backlog, long low, long high, LongSupplier clock) {
        if (min > max) throw new IllegalArgumentException("level floor " + min + " is above the ceiling " + max);
        if (low <= 0 || high <= low) throw new IllegalArgumentException("need 0 < low < high, was " + low + ", " + high);
        this.min = min;
        this.max = max;
        this.backlog = backlog;
        this.low = low;
        this.high = high;
        this.clock = clock;
        this.level = max; // spare CPU is assumed until the backlog says otherwise
        this.decidedAt = clock.getAsLong();
    }

    /**
     * Marks from a backlog limit (the agent's {@code journal.max_lag_bytes}): a level down from 1/16 of it, or from
     * 1/256 while it grows; up below 1/256. A limit of 1 GiB gives 64 MiB and 4 MiB: seconds of backlog at full load.
     */
    public static AdaptiveLevel forLimit(int min, int max, LongSupplier backlog, long limit) {
        long low = Math.max(1, limit / 256);
        return new AdaptiveLevel(min, max, backlog, low, Math.max(low + 1, limit / 16), System::nanoTime);
    }

    public int min() { return min; }
    public int max() { return max; }

    /** The level chosen last (what the next segment gets unless the backlog changed). */
    public int current() { return level; }

    /** The level for a segment opening now. */
    public int next() {
        long now = clock.getAsLong();
        synchronized (this) {
            if (now - decidedAt >= DECIDE_EVERY) decide(now, Math.max(0, backlog.getAsLong()));
            return level;
        }
    }

    private void decide(long now, long behind) {
        boolean growing = behind > lastBacklog;
        decidedAt = now;
        lastBacklog = behind;
        if (behind >= high || (behind > low && growing)) {
            lowSince = -1;
            if (level == min) return;
            if (now - lastUp < 2 * upHold) upHold = Math.min(MAX_UP_HOLD, upHold * 2); // that climb did not hold
            level--;
            lastDown = now;
        } else if (behind <= low) {
            if (lowSince < 0) lowSince = now;
            long steps = (now - lowSince) / upHold;
            if (steps == 0 || level == max) return;
            if (now - lastDown > 4 * upHold) upHold = Math.max(BASE_UP_HOLD, upHold / 2); // quiet for a while
            level = (int) Math.min(max, level + steps);
            lastUp = now;
            lowSince = now;
        } else {
            lowSince = -1;
        }
    }

    @Override
    public String toString() {
        return "auto " + min + "-" + max + " (now " + level + ")";
    }
}
