package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The adaptive quality controller against a backlog and a clock the test moves. */
class AdaptiveLevelTest {
    private static final long MIB = 1 << 20;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AdaptiveLevel level = new AdaptiveLevel(1, 6, backlog::get, 4 * MIB, 64 * MIB, now::get);

    private int after(long seconds, long backlogBytes) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
        backlog.set(backlogBytes);
        return level.next();
    }

    @Test
    void startsAtTheCeilingAndStaysThereWhenIdle() {
        assertEquals(6, level.next());
        for (int i = 0; i < 100; i++) assertEquals(6, after(1, i % 2 == 0 ? 0 : MIB), "light load: always the ceiling");
    }

    @Test
    void stepsDownOneLevelPerSecondAndStopsAtTheFloor() {
        assertEquals(5, after(1, 100 * MIB));
        assertEquals(4, after(1, 100 * MIB));
        assertEquals(4, level.next(), "at most one decision per second");
        assertEquals(3, after(1, 100 * MIB));
        assertEquals(2, after(1, 100 * MIB));
        assertEquals(1, after(1, 100 * MIB));
        for (int i = 0; i < 20; i++) assertEquals(1, after(1, (100 + i) * MIB), "bounded below by the floor");
    }

    @Test
    void peekingSaysWhatNextWouldGiveWithoutDeciding() {
        now.addAndGet(TimeUnit.SECONDS.toNanos(3));
        backlog.set(100 * MIB);
        for (int i = 0; i < 5; i++) assertEquals(3, level.peek(), "what a segment opening now would get");
        assertEquals(6, level.current(), "a scrape does not move the controller");
        assertEquals(3, level.next(), "three seconds since the last decision, as if nobody had looked");
    }

    @Test
    void aControllerAskedRarelyCatchesUpOneLevelPerSecondSinceItLastDecided() {
        assertEquals(3, after(3, 100 * MIB), "three seconds since the last segment opened: three levels down");
        assertEquals(1, after(30, 100 * MIB), "never below the floor");
        assertEquals(1, after(30, 100 * MIB));
    }

    @Test
    void theBacklogBetweenTheMarksCallsForTheLevelsBetweenEvenly() {
        assertEquals(6, level.target(4 * MIB));
        assertEquals(5, level.target(16 * MIB));
        assertEquals(4, level.target(17 * MIB));
        assertEquals(2, level.target(52 * MIB));
        assertEquals(1, level.target(53 * MIB));
        assertEquals(1, level.target(Long.MAX_VALUE));
    }

    @Test
    void marksFromTheLimitOrFromAPaceMarkBelowIt() {
        AdaptiveLevel byLimit = AdaptiveLevel.forLimit(1, 5, backlog::get, 1024 * MIB, Long.MAX_VALUE);
        assertEquals(5, byLimit.target(4 * MIB), "the ceiling up to a 256th of the limit");
        assertTrue(byLimit.target(40 * MIB) > 1);
        assertEquals(1, byLimit.target(64 * MIB), "the floor from a sixteenth");
        AdaptiveLevel paced = AdaptiveLevel.forLimit(1, 5, backlog::get, 1024 * MIB, 8 * MIB);
        assertEquals(5, paced.target(4 * MIB), "the ceiling's mark stays");
        assertEquals(3, paced.target(6 * MIB), "the levels between spread over what is left");
        assertEquals(1, paced.target(8 * MIB), "the floor from the pace mark: the lag gets no further");
        AdaptiveLevel tight = AdaptiveLevel.forLimit(1, 5, backlog::get, 1024 * MIB, 2 * MIB);
        assertEquals(5, tight.target(MIB), "a ceiling's mark at most half the pace mark");
        assertEquals(1, tight.target(2 * MIB));
    }

    @Test
    void holdsAtTheLevelTheBacklogCallsFor() {
        for (int i = 0; i < 3; i++) after(1, 30 * MIB);
        assertEquals(3, level.current());
        for (int i = 0; i < 30; i++) assertEquals(3, after(1, (29 + i % 12) * MIB), "within its band: no step either way");
    }

    @Test
    void climbsBackToTheCeilingOnlyAfterTheBacklogStaysNearZero() {
        for (int i = 1; i <= 5; i++) after(1, 100 * MIB);
        assertEquals(1, level.current());
        assertEquals(1, after(1, 0), "a moment of calm is not enough");
        assertEquals(1, after(3, 0));
        assertEquals(2, after(2, 0), "five seconds near zero: one level up");
        assertEquals(6, after(60, 0), "a long calm climbs the rest at once");
        assertTrue(level.current() <= 6);
    }

    @Test
    void doesNotFlapAtTheEdgeOfWhatTheCpuAllows() {
        // A load that level 4 keeps up with and level 5 does not: the backlog grows whenever the level is 5.
        for (int i = 1; i <= 2; i++) after(1, 20 * MIB);
        assertEquals(4, level.current());
        long behind = 0;
        int changes = 0;
        int previous = level.current();
        for (int second = 0; second < 600; second++) {
            behind = level.current() >= 5 ? behind + 8 * MIB : Math.max(0, behind - 4 * MIB);
            int now = after(1, behind);
            if (now != previous) changes++;
            previous = now;
            assertTrue(now >= 4 && now <= 5, "stays at the edge, was " + now);
        }
        assertTrue(changes <= 12, "ten minutes at the edge changed level " + changes + " times");
    }

    @Test
    void rejectsAFloorAboveTheCeiling() {
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveLevel(6, 5, backlog::get, 1, 2, now::get));
        AdaptiveLevel zstd = new AdaptiveLevel(1, 9, backlog::get, 1, 2, now::get);
        AdaptiveLevel gzip = new AdaptiveLevel(1, 6, backlog::get, 1, 2, now::get);
        assertThrows(IllegalArgumentException.class, () -> LevelPolicy.of(new AdaptiveLevel(1, 12, backlog::get, 1, 2, now::get),
                zstd, gzip), "Brotli has no quality 12");
        assertThrows(IllegalArgumentException.class, () -> LevelPolicy.of(level, new AdaptiveLevel(0, 9, backlog::get, 1, 2, now::get),
                gzip), "zstd levels start at 1 here");
        assertThrows(IllegalArgumentException.class, () -> LevelPolicy.of(level, zstd, new AdaptiveLevel(1, 10, backlog::get, 1, 2, now::get)),
                "gzip stops at 9");
    }
}
