package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The index through which every entry is complete, from the per-lane "complete through" of the ledger. */
class LaneChangeTest {
    @Test
    void completeThroughIsTheEntryBeforeTheFirstOneALaneLacks() {
        assertEquals(-1, LaneChange.completeThrough(new long[] {-1, -1}));
        assertEquals(10, LaneChange.completeThrough(new long[] {10, 9})); // lane 1 lacks 11, lane 0 12: 10 is lane 0's, done
        assertEquals(11, LaneChange.completeThrough(new long[] {10, 11}));
        assertEquals(9, LaneChange.completeThrough(new long[] {8, 13})); // lane 0 lacks 10
        assertEquals(6, LaneChange.completeThrough(new long[] {6, 4, 5})); // 3 lanes: lane 1 lacks 7; 5 and 6 are done
        assertEquals(7, LaneChange.completeThrough(new long[] {6, 7, 5})); // lane 2 lacks 8
        assertEquals(41, LaneChange.completeThrough(new long[] {41}));
    }
}
