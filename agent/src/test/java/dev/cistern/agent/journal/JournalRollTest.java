package dev.cistern.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal releases a wholly sealed cycle with no new appends (issue 15): a forced roll, then release. */
class JournalRollTest {
    @TempDir Path dir;

    private static long appendMiB(Journal j, int mib) throws Exception {
        byte[] p = new byte[64 << 10];
        new SplittableRandom(1).nextBytes(p);
        long last = -1;
        for (int i = 0; i < mib * 16; i++) last = j.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length);
        return last;
    }

    private static long cycleFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".cq4")).count();
        }
    }

    @Test
    void releasesItsSealedCycleWithNoAppendsWhenRetentionAsks() throws Exception {
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY")) {
            long last = appendMiB(j, 8);
            long before = j.diskBytes();
            assertTrue(before > 8L << 20, "journal holds its entries: " + before);
            // every entry sealed: firstNeeded = last + 1, which is in the same cycle, so nothing is released today
            assertEquals(0, j.releaseBefore(last + 1));
            assertEquals(-1, j.rollIfSealed(last, true), "an unsealed entry keeps the cycle");
            assertEquals(-1, j.rollIfSealed(last + 1, false), "a cycle the wall clock has not left rolls only for space");
            long tick = j.rollIfSealed(last + 1, true);
            assertTrue(tick > last, "tick " + tick + " after " + last);
            assertEquals(-1, j.rollIfSealed(tick + 1, true), "a cycle holding only the tick is not rolled again");
            assertEquals(1, j.releaseBefore(tick + 1));
            assertEquals(1, cycleFiles(dir));
            long after = j.diskBytes();
            assertTrue(after <= Journal.cycleOverheadBytes("FIVE_MINUTELY"), "one cycle file's allocation at most: " + after);
        }
    }

    @Test
    void indicesKeepIncreasingAcrossARestartAfterAForcedRoll() throws Exception {
        long tick;
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY")) {
            long last = appendMiB(j, 1);
            tick = j.rollIfSealed(last + 1, true);
            assertTrue(tick > last);
            j.releaseBefore(tick + 1);
        }
        // the cycle holding the tick starts after the wall clock's; a reopened journal must not append before it
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY")) {
            byte[] p = {'{', '}'};
            long next = j.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length);
            assertTrue(next > tick, "index " + next + " after the tick " + tick);
            try (JournalTailer r = j.tailer()) {
                r.seek(tick);
                assertEquals(JournalEntry.Kind.TICK, r.next().kind());
                assertEquals(next, r.next().index());
            }
        }
    }

    @Test
    void forcedRollsStayWithinTheirLeadOfTheWallClock() throws Exception {
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY")) {
            byte[] p = {'{', '}'};
            int rolls = 0;
            for (int i = 0; i < Journal.MAX_LEAD_CYCLES + 3; i++) {
                long last = j.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length);
                if (j.rollIfSealed(last + 1, true) >= 0) rolls++;
            }
            assertTrue(rolls >= Journal.MAX_LEAD_CYCLES - 1 && rolls <= Journal.MAX_LEAD_CYCLES + 1, "rolls: " + rolls);
        }
    }
}
