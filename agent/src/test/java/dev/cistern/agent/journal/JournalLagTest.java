package dev.cistern.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The lag for backpressure (the bytes not yet written into the spool) and, for adaptive quality, the lowest it got
 * down to lately: lanes that write grouped blocks leave it high for a moment after each block, and low between.
 */
class JournalLagTest {
    private static final long SECOND = 1L << 30; // one epoch of the lag's clock
    private static final long MIB = 1 << 20;
    private static final long NEVER_PACED = Long.MAX_VALUE;
    private long now = 100 * SECOND;

    @Test
    void countsOnlyThisRunsEntries() {
        JournalLag lag = new JournalLag(9, () -> now);
        lag.appended(100);
        lag.consumed(5, 40); // replayed from before the restart: never counted in
        lag.consumed(10, 30);
        assertEquals(70, lag.pendingBytes());
        assertEquals(0, lag.pendingEntries());
    }

    @Test
    void theRecentLowIsWhatTheLanesGotBackDownTo() {
        JournalLag lag = new JournalLag(0, () -> now);
        long index = 1;
        lag.appended(5 * MIB);
        lag.consumed(index++, 4 * MIB); // a lane caught up to 1 MiB
        lag.appended(5 * MIB); // then wrote a block while 5 MiB more came in
        assertEquals(6 * MIB, lag.pendingBytes());
        assertEquals(MIB, lag.recentBacklog(NEVER_PACED), "keeping up, between the blocks");

        now += SECOND;
        lag.consumed(index++, MIB);
        assertEquals(MIB, lag.recentBacklog(NEVER_PACED), "the epoch before still counts");
        now += SECOND;
        lag.consumed(index++, MIB);
        assertEquals(4 * MIB, lag.recentBacklog(NEVER_PACED), "two epochs on: only what is recent");

        lag.consumed(index++, 4 * MIB);
        assertEquals(0, lag.recentBacklog(NEVER_PACED), "never above the lag now");
    }

    @Test
    void lanesThatTookNothingForLongerAreBehindByAllOfIt() {
        JournalLag lag = new JournalLag(0, () -> now);
        lag.appended(2 * MIB);
        lag.consumed(1, 2 * MIB);
        assertEquals(0, lag.recentBacklog(NEVER_PACED));
        lag.appended(30 * MIB); // lanes stuck: nothing consumed from here on
        now += SECOND;
        assertEquals(0, lag.recentBacklog(NEVER_PACED), "within the epoch after, the low of the last one");
        now += SECOND;
        assertEquals(30 * MIB, lag.recentBacklog(NEVER_PACED));
    }

    @Test
    void aLagThatReachedThePaceMarkLatelyCountsAtItsHighest() {
        JournalLag lag = new JournalLag(0, () -> now);
        long paceMark = 8 * MIB;
        lag.appended(9 * MIB); // requests were held back: the lanes did not keep up
        lag.consumed(1, 8 * MIB);
        assertEquals(MIB, lag.recentBacklog(NEVER_PACED));
        assertEquals(9 * MIB, lag.recentBacklog(paceMark));
        assertEquals(MIB, lag.recentBacklog(), "no pace mark set yet");
        lag.paceAt(paceMark); // at start, and again on a reload
        assertEquals(9 * MIB, lag.recentBacklog());
        now += SECOND;
        lag.appended(MIB);
        assertEquals(9 * MIB, lag.recentBacklog(paceMark), "the epoch before still counts");
        now += SECOND;
        lag.consumed(2, MIB);
        assertEquals(MIB, lag.recentBacklog(paceMark), "kept under the mark since: the lowest again");
    }
}
