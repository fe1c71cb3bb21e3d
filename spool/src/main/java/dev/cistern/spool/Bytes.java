package dev.cistern.spool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte searches eight bytes at a time (SWAR: a long read as eight lanes), for the read path: a
 * decoded segment is searched for newlines and text without a String or a byte loop per row.
 */
final class Bytes {
    static final long ONES = 0x0101010101010101L;
    static final long HIGHS = 0x8080808080808080L;
    private static final long LOWS = 0x7f7f7f7f7f7f7f7fL;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Bytes() {}

    /** Eight bytes from {@code b[i]}, the first in the lowest lane. */
    static long word(byte[] b, int i) {
        return (long) LONGS.get(b, i);
    }

    /** The high bit of each lane of {@code w} that equals the lane of {@code pattern}, exactly (no false lanes). */
    static long equalLanes(long w, long pattern) {
        long x = w ^ pattern;
        return ~(((x & LOWS) + LOWS) | x | LOWS);
    }

    /**
     * The high bit of each lane of {@code w} that equals the lane of {@code pattern}, and maybe of some lanes
     * above one that does (a borrow): no lane missed, for searches that check each candidate, in four
     * operations where {@link #equalLanes} takes six.
     */
    static long maybeEqualLanes(long w, long pattern) {
        long x = w ^ pattern;
        return (x - ONES) & ~x & HIGHS;
    }

    /** A byte in every lane. */
    static long broadcast(byte c) {
        return (c & 0xffL) * ONES;
    }

    /** The first index of {@code c} in {@code b[from, to)}, or -1. */
    static int indexOf(byte[] b, int from, int to, byte c) {
        long pattern = broadcast(c);
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long m = equalLanes(word(b, i), pattern);
            if (m != 0) return i + (Long.numberOfTrailingZeros(m) >>> 3);
        }
        for (; i < to; i++) if (b[i] == c) return i;
        return -1;
    }

    /** The last index of {@code c} in {@code b[from, to)}, or -1. */
    static int lastIndexOf(byte[] b, int from, int to, byte c) {
        long pattern = broadcast(c);
        int i = to;
        for (; i - 8 >= from; i -= 8) {
            long m = equalLanes(word(b, i - 8), pattern);
            if (m != 0) return i - 8 + ((63 - Long.numberOfLeadingZeros(m)) >>> 3);
        }
        for (i--; i >= from; i--) if (b[i] == c) return i;
        return -1;
    }

    /** How many times {@code c} occurs in {@code b[from, to)}. */
    static long count(byte[] b, int from, int to, byte c) {
        long pattern = broadcast(c);
        long n = 0;
        int i = from;
        while (to - i >= 8) {
            long lanes = 0; // a count in each lane, of up to LANE_MAX words: cheaper than a bitCount a word
            for (int end = Math.min(to - 7, i + 8 * LANE_MAX); i < end; i += 8) lanes += equalLanes(word(b, i), pattern) >>> 7;
            n += laneSum(lanes);
        }
        for (; i < to; i++) if (b[i] == c) n++;
        return n;
    }

    /**
     * How many times {@code c} occurs in {@code b[from, to)}, times two, plus one if {@code flag} occurs there too: the
     * rows of a block and whether any of them holds an escape, in one pass.
     */
    static long countFlagging(byte[] b, int from, int to, byte c, byte flag) {
        long pattern = broadcast(c);
        long flags = broadcast(flag);
        long n = 0;
        long seen = 0;
        int i = from;
        while (to - i >= 8) {
            long lanes = 0;
            for (int end = Math.min(to - 7, i + 8 * LANE_MAX); i < end; i += 8) {
                long w = word(b, i);
                lanes += equalLanes(w, pattern) >>> 7;
                seen |= maybeEqualLanes(w, flags); // a false lane only above a true one: nonzero exactly when one is
            }
            n += laneSum(lanes);
        }
        for (; i < to; i++) {
            if (b[i] == c) n++;
            if (b[i] == flag) seen = 1;
        }
        return 2 * n + (seen != 0 ? 1 : 0);
    }

    /** How many words may add {@code equalLanes(..) >>> 7} into one long before {@link #laneSum}: a lane holds 255. */
    static final int LANE_MAX = 255;

    /** The sum of a long's eight byte lanes. */
    static long laneSum(long lanes) {
        long pairs = (lanes & 0x00ff00ff00ff00ffL) + ((lanes >>> 8) & 0x00ff00ff00ff00ffL);
        return (pairs * 0x0001000100010001L) >>> 48;
    }
}
