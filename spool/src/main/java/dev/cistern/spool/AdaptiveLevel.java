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
 * meaning smaller and slower. The backlog maps to a target level: the ceiling at or under {@code low},
 * the floor at or over {@code high}, the levels between spread evenly over the range between. The
 * level moves toward its target down fast and up slowly, so it neither flaps nor lets the backlog run away:
 * <ul>
 *   <li>target below the level: one level down per {@link #DECIDE_EVERY} since the last decision (decisions are at most
 *   one per {@code DECIDE_EVERY}; a codec whose segments open rarely catches up at its next one);</li>
 *   <li>target above the level: one level up per {@code upHold} it has stayed above, at most to the target.</li>
 * </ul>
 * Under a load the ceiling cannot compress, the backlog grows until it reaches the band of a level that keeps
 * up, and stays near it. A step down soon after a step up means the higher level cannot keep up:
 * {@code upHold} doubles (up to {@link #MAX_UP_HOLD}), so the level settles just below the edge of what the
 * CPU allows instead of climbing into it every few seconds; it halves again after a quiet spell. Thread-safe.
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
    private long aboveSince = -1; // since when the target has been above the level, or -1
    private long lastUp = Long.MIN_VALUE / 2;
    private long lastDown = Long.MIN_VALUE / 2;
    private long upHold = BASE_UP_HOLD;

    /**
     * @param backlog bytes behind now; {@code low} and {@code high} are its marks (0 < low < high)
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
     * Marks from a backlog limit (the agent's {@code journal.max_lag_bytes}): the ceiling up to 1/256 of it, the floor
     * from 1/16, or from {@code floorAt} if that is lower (the agent's pace mark, past which requests wait, so the
     * backlog gets no further), with the ceiling's mark then at most half of it. A limit of 1 GiB gives 4 MiB and
     * 64 MiB: a fraction of a second and a few seconds of backlog at full load.
     */
    public static AdaptiveLevel forLimit(int min, int max, LongSupplier backlog, long limit, long floorAt) {
        long high = Math.max(2, Math.min(limit / 16, floorAt));
        long low = Math.max(1, Math.min(limit / 256, high / 2));
        return new AdaptiveLevel(min, max, backlog, low, high, System::nanoTime);
    }

    public int min() { return min; }
    public int max() { return max; }

    /** The level chosen last (what the next segment gets unless the backlog changed). */
    public int current() { return level; }

    /** The level for a segment opening now. */
    public int next() {
        long now = clock.getAsLong();
        synchronized (this) {
            if (now - decidedAt >= DECIDE_EVERY) decide(now, backlog.getAsLong());
            return level;
        }
    }

    /**
     * The level {@link #next()} would give now, leaving the controller as it was: a metrics scrape reads this, and
     * reading must not decide (decisions would then follow the scrape interval).
     */
    public synchronized int peek() {
        long now = clock.getAsLong();
        if (now - decidedAt < DECIDE_EVERY) return level;
        int keptLevel = level;
        long keptDecidedAt = decidedAt, keptAboveSince = aboveSince, keptLastUp = lastUp, keptLastDown = lastDown;
        long keptUpHold = upHold;
        decide(now, backlog.getAsLong());
        int would = level;
        level = keptLevel;
        decidedAt = keptDecidedAt;
        aboveSince = keptAboveSince;
        lastUp = keptLastUp;
        lastDown = keptLastDown;
        upHold = keptUpHold;
        return would;
    }

    private void decide(long now, long behind) {
        long elapsed = now - decidedAt;
        decidedAt = now;
        int target = target(behind);
        if (target < level) {
            aboveSince = -1;
            if (now - lastUp < 2 * upHold) upHold = Math.min(MAX_UP_HOLD, upHold * 2); // that climb did not hold
            level = (int) Math.max(target, level - Math.max(1, elapsed / DECIDE_EVERY));
            lastDown = now;
        } else if (target > level) {
            if (aboveSince < 0) aboveSince = now;
            long steps = (now - aboveSince) / upHold;
            if (steps == 0) return;
            if (now - lastDown > 4 * upHold) upHold = Math.max(BASE_UP_HOLD, upHold / 2); // quiet for a while
            level = (int) Math.min(target, level + steps);
            lastUp = now;
            aboveSince = now;
        } else {
            aboveSince = -1;
        }
    }

    /** The level this backlog calls for: the ceiling up to {@code low}, the floor from {@code high}, evenly between. */
    int target(long behind) {
        if (behind <= low) return max;
        if (behind >= high) return min;
        return max - (int) Math.ceil((double) (behind - low) * (max - min) / (high - low));
    }

    @Override
    public String toString() {
        return "auto " + min + "-" + max + " (now " + level + ")";
    }
}
