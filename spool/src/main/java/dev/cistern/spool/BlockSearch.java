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
        if (needle.oneProbe() && escapes) {
            i = withEscapes(b, from, to);
            if (i < to && isHit(b, i, to)) return i;
        } else if (needle.oneProbe()) {
            // sixteen positions a step, one branch for both words: a hit is rare, so the loop is nearly all probing
            for (int end = needle.wordsEnd(to) - 8; i < end; i += 16) {
                long m0 = needle.rareCandidates(b, i);
                long m1 = needle.rareCandidates(b, i + 8);
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

    /**
     * The one-probe search with escapes, in two loads a step: the two words the rare byte is probed in are probed for
     * backslashes too, so a step covers needle starts {@code [i, i + 16)} and backslashes {@code [i + at, i + at + 16)}.
     * Positions below {@code from + at} are checked one by one first, and a step with any candidate is checked one by
     * one, in order, up to {@code i + 16 + at}: so every position before a step is clear of both. Returns the first hit
     * found so (then {@link #isHit} is true there), or where the eight-a-step search must go on.
     */
    private int withEscapes(byte[] b, int from, int to) {
        int at = needle.rareAt();
        int i = from;
        for (int end = Math.min(to, from + at); i < end; i++) if (isHit(b, i, to)) return i;
        i = from;
        for (int end = needle.wordsEnd(to) - 8; i < end; i += 16) {
            long w0 = Bytes.word(b, i + at);
            long w1 = Bytes.word(b, i + at + 8);
            long needles0 = needle.rareLanes(w0);
            long needles1 = needle.rareLanes(w1);
            long backslashes = Bytes.maybeEqualLanes(w0, BACKSLASHES) | Bytes.maybeEqualLanes(w1, BACKSLASHES);
            if ((needles0 | needles1 | backslashes) == 0) continue;
            if (backslashes != 0) { // rare: every position in order, as they lie a probe's offset apart
                for (int p = i, end2 = Math.min(to, i + 16 + at); p < end2; p++) if (isHit(b, p, to)) return p;
                continue;
            }
            int hit = firstHit(b, i, needles0); // no backslash up to i + at + 16: the first needle is the first hit
            if (hit < 0) hit = firstHit(b, i + 8, needles1);
            if (hit >= 0) return hit;
        }
        return i;
    }

    /** Whether {@code b[p]} is a backslash (with escapes) or the needle starts there. */
    private boolean isHit(byte[] b, int p, int to) {
        if (escapes && b[p] == '\\') return true;
        return p + needle.length() <= to && needle.rareByteAt(b, p) && needle.matchesAt(b, p);
    }
}
