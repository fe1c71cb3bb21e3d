package dev.cistern.spool;

/**
 * One pass over a block of rows for what a filter must look at: where a needle starts and, when a row with
 * an escape could spell the needle another way, where a backslash is; newlines passed on the way are
 * counted, so the rows read need no pass of their own. Eight positions a step, like {@link Needle#find}.
 */
final class BlockSearch {
    private static final long NEWLINES = Bytes.broadcast((byte) '\n');
    private static final long BACKSLASHES = Bytes.broadcast((byte) '\\');

    private final Needle needle;
    private final boolean escapes;
    private long newlines;

    /** @param escapes a backslash is a hit too (the needle is a quoted value, which an escape could spell otherwise) */
    BlockSearch(Needle needle, boolean escapes) {
        this.needle = needle;
        this.escapes = escapes;
    }

    /**
     * The first position in {@code b[from, to)} where the needle starts or (with escapes) a backslash is,
     * or -1; the newlines before it (all of them when -1) are added to {@link #newlines}.
     */
    int next(byte[] b, int from, int to) {
        int i = from;
        long n = 0;
        int end = needle.wordsEnd(to);
        while (i < end) {
            long lanes = 0; // newlines by lane, summed every Bytes.LANE_MAX words
            for (int stop = Math.min(end, i + 8 * Bytes.LANE_MAX); i < stop; i += 8) {
                long w = Bytes.word(b, i);
                long m = needle.candidates(b, i);
                if (escapes) m |= Bytes.equalLanes(w, BACKSLASHES);
                while (m != 0) {
                    int lane = Long.numberOfTrailingZeros(m) >>> 3;
                    int at = i + lane;
                    if (escapes && b[at] == '\\' || needle.matchesAt(b, at)) {
                        long below = lane == 0 ? 0 : Bytes.equalLanes(w, NEWLINES) & (-1L >>> (64 - 8 * lane));
                        newlines += n + Bytes.laneSum(lanes) + Long.bitCount(below);
                        return at;
                    }
                    m &= m - 1;
                }
                lanes += Bytes.equalLanes(w, NEWLINES) >>> 7;
            }
            n += Bytes.laneSum(lanes);
        }
        int lastStart = to - needle.length();
        for (; i < to; i++) {
            if (escapes && b[i] == '\\' || i <= lastStart && needle.matchesAt(b, i)) {
                newlines += n;
                return i;
            }
            if (b[i] == '\n') n++;
        }
        newlines += n;
        return -1;
    }

    /** Newlines passed so far; read and reset. */
    long takeNewlines() {
        long n = newlines;
        newlines = 0;
        return n;
    }
}
