package dev.cistern.spool;

/**
 * One pass over a block of rows for what a filter must look at: where a needle starts and, when a row with
 * an escape could spell the needle another way, where a backslash is. Eight positions a step, like
 * {@link Needle#find}, or sixteen by one probe where the needle has a byte rare in the data ({@link Needle#oneProbe});
 * newlines are not counted here (the matcher counts a block's rows in a pass of its own).
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
        if (needle.oneProbe()) {
            // sixteen positions a step, one branch for both words: a hit is rare, so the loop is nearly all probing
            for (int end = needle.wordsEnd(to) - 8; i < end; i += 16) {
                long m0 = needle.rareCandidates(b, i);
                long m1 = needle.rareCandidates(b, i + 8);
                if (escapes) {
                    m0 |= Bytes.maybeEqualLanes(Bytes.word(b, i), BACKSLASHES);
                    m1 |= Bytes.maybeEqualLanes(Bytes.word(b, i + 8), BACKSLASHES);
                }
                if ((m0 | m1) == 0) continue;
                int at = firstHit(b, i, m0);
                if (at < 0) at = firstHit(b, i + 8, m1);
                if (at >= 0) return at;
            }
        }
        for (int end = needle.wordsEnd(to); i < end; i += 8) {
            long m = needle.candidates(b, i);
            if (escapes) m |= Bytes.maybeEqualLanes(Bytes.word(b, i), BACKSLASHES);
            if (m == 0) continue;
            int at = firstHit(b, i, m);
            if (at >= 0) return at;
        }
        int lastStart = to - needle.length();
        for (; i < to; i++) {
            if (escapes && b[i] == '\\' || i <= lastStart && needle.matchesAt(b, i)) return i;
        }
        return -1;
    }

    /** The first lane of {@code m} (candidates from {@code i}) where the whole needle starts or (with escapes) a backslash is, or -1. */
    private int firstHit(byte[] b, int i, long m) {
        for (; m != 0; m &= m - 1) {
            int at = i + (Long.numberOfTrailingZeros(m) >>> 3);
            if (escapes && b[at] == '\\' || needle.matchesAt(b, at)) return at;
        }
        return -1;
    }
}
