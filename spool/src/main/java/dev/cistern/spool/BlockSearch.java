package dev.cistern.spool;

/**
 * One pass over a block of rows for what a filter must look at: where a needle starts and, when a row with
 * an escape could spell the needle another way, where a backslash is. Eight positions a step, like
 * {@link Needle#find}; newlines are not counted here (the decoding thread counts a block's rows), so the
 * step is the needle's two probes and nothing else.
 */
final class BlockSearch {
    private static final long BACKSLASHES = Bytes.broadcast((byte) '\\');

    private final Needle needle;
    private final boolean escapes;

    /** @param escapes a backslash is a hit too (the needle is a quoted value, which an escape could spell otherwise) */
    BlockSearch(Needle needle, boolean escapes) {
        this.needle = needle;
        this.escapes = escapes;
    }

    /** The first position in {@code b[from, to)} where the needle starts or (with escapes) a backslash is, or -1. */
    int next(byte[] b, int from, int to) {
        int i = from;
        for (int end = needle.wordsEnd(to); i < end; i += 8) {
            long m = needle.candidates(b, i);
            if (escapes) m |= Bytes.maybeEqualLanes(Bytes.word(b, i), BACKSLASHES);
            while (m != 0) {
                int at = i + (Long.numberOfTrailingZeros(m) >>> 3);
                if (escapes && b[at] == '\\' || needle.matchesAt(b, at)) return at;
                m &= m - 1;
            }
        }
        int lastStart = to - needle.length();
        for (; i < to; i++) {
            if (escapes && b[i] == '\\' || i <= lastStart && needle.matchesAt(b, i)) return i;
        }
        return -1;
    }
}
