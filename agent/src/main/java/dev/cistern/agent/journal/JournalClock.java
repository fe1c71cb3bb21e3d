package dev.cistern.agent.journal;

import net.openhft.chronicle.core.time.TimeProvider;

/**
 * The journal queue's clock: the wall clock, but never before a floor. Chronicle picks the cycle an
 * append goes into from this clock, so raising the floor to the next cycle's start rolls the queue
 * at the next append (a forced roll, {@link Journal#rollIfSealed}), and a floor set at open to the
 * start of the highest existing cycle keeps a clock that is behind (a forced roll before a restart,
 * or the wall clock stepped back) from appending into an earlier cycle, whose indices would be lower
 * than ones already used: sealed names carry journal indices, so a reused index would lose rows.
 */
final class JournalClock implements TimeProvider {
    private volatile long floorMillis;

    @Override
    public long currentTimeMillis() {
        return Math.max(System.currentTimeMillis(), floorMillis);
    }

    /** Never before {@code millis} from now on; a lower floor than the present one changes nothing. */
    synchronized void notBefore(long millis) {
        if (millis > floorMillis) floorMillis = millis;
    }

    /** How far the clock runs ahead of the wall clock, in ms (0 when it does not). */
    long leadMillis() {
        return Math.max(0, floorMillis - System.currentTimeMillis());
    }
}
