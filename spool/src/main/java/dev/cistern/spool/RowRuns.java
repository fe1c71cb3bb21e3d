package dev.cistern.spool;

import java.util.Arrays;

/**
 * Where matching rows are in an array: runs {@code [runs[2i], runs[2i + 1])} of whole rows with their newlines, in
 * order, a row joining the run it follows up to {@link BlockMatcher#RUN_MAX} (one write).
 */
final class RowRuns {
    private int[] runs = new int[16];
    private int count;

    /** The rows {@code [from, to)}, after those added before. */
    void add(int from, int to) {
        if (count > 0 && runs[2 * count - 1] == from && to - runs[2 * count - 2] <= BlockMatcher.RUN_MAX) {
            runs[2 * count - 1] = to;
            return;
        }
        if (2 * count == runs.length) runs = Arrays.copyOf(runs, runs.length * 2);
        runs[2 * count] = from;
        runs[2 * count + 1] = to;
        count++;
    }

    /** The runs as a block's matches (the array is theirs from now on: a new one is made for what follows). */
    BlockMatcher.Matches matches(long rows, long matched) {
        BlockMatcher.Matches m = new BlockMatcher.Matches(rows, matched, runs, count);
        runs = new int[16];
        count = 0;
        return m;
    }
}
