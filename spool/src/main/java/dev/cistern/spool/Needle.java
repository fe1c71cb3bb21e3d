package dev.cistern.spool;

import java.util.Arrays;

/**
 * A byte string to find in decoded rows, exactly or ignoring ASCII case (the needle is given in
 * lower case). Candidates are found eight positions at a time by two of the needle's bytes, then
 * checked whole, the way fast grep implementations do. The two probe bytes are its first and last
 * (quotes aside) until {@link #tunedTo} picks the two that are rarest in the data at hand: in JSON
 * rows {@code "}, {@code c} or {@code e} are everywhere, and every false candidate costs a check. When the rarest of
 * them is rare enough ({@link #oneProbe}), probing it alone is cheaper: a memchr, its few false candidates checked.
 */
final class Needle {
    private static final long CASE_BITS = 0x2020202020202020L;

    private final byte[] bytes;
    private final boolean ignoreCase;
    private final int firstAt;
    private final int lastAt;
    private final long first;
    private final long last;
    private final long firstFold;
    private final long lastFold;
    private final int rareAt;
    private final long rare;
    private final long rareFold;
    private final boolean oneProbe;

    /** {@code bytes} must be lower case already when {@code ignoreCase}; it may not be empty. */
    Needle(byte[] bytes, boolean ignoreCase) {
        this(bytes.clone(), ignoreCase, innerStart(bytes), innerEnd(bytes), innerEnd(bytes), false);
    }

    private Needle(byte[] bytes, boolean ignoreCase, int firstAt, int lastAt, int rareAt, boolean oneProbe) {
        if (bytes.length == 0) throw new IllegalArgumentException("an empty needle");
        this.bytes = bytes;
        this.ignoreCase = ignoreCase;
        this.firstAt = firstAt;
        this.lastAt = lastAt;
        byte f = bytes[firstAt];
        byte l = bytes[lastAt];
        this.first = Bytes.broadcast(f);
        this.last = Bytes.broadcast(l);
        this.firstFold = ignoreCase && isLower(f) ? CASE_BITS : 0;
        this.lastFold = ignoreCase && isLower(l) ? CASE_BITS : 0;
        this.rareAt = rareAt;
        this.rare = Bytes.broadcast(bytes[rareAt]);
        this.rareFold = ignoreCase && isLower(bytes[rareAt]) ? CASE_BITS : 0;
        this.oneProbe = oneProbe;
    }

    // probe bytes inside quotes, which are everywhere in JSON: "name" is probed at n and e
    private static int innerStart(byte[] bytes) {
        int a = 0;
        while (a < bytes.length - 1 && bytes[a] == '"') a++;
        return a;
    }

    private static int innerEnd(byte[] bytes) {
        int z = bytes.length - 1;
        while (z > innerStart(bytes) && bytes[z] == '"') z--;
        return z;
    }

    /** How often each byte value occurs in {@code b[from, to)}: what {@link #tunedTo} takes. */
    static int[] byteCounts(byte[] b, int from, int to) {
        int[] seen = new int[256];
        for (int i = from; i < to; i++) seen[b[i] & 0xff]++;
        return seen;
    }

    /**
     * The same needle probed at its two rarest bytes by {@link #byteCounts} of data like that it will search, or at the
     * rarest alone when at most one byte in {@link #ONE_PROBE_SHARE} of the data is that byte.
     */
    Needle tunedTo(int[] seen) {
        if (bytes.length < 2) return this;
        int rarest = 0;
        for (int j = 1; j < bytes.length; j++) if (count(seen, j) < count(seen, rarest)) rarest = j;
        int second = rarest == 0 ? 1 : 0;
        for (int j = 0; j < bytes.length; j++) if (j != rarest && count(seen, j) < count(seen, second)) second = j;
        long all = 0;
        for (int c : seen) all += c;
        boolean one = (long) count(seen, rarest) * ONE_PROBE_SHARE <= all;
        return new Needle(bytes, ignoreCase, Math.min(rarest, second), Math.max(rarest, second), rarest, one);
    }

    /**
     * One probe is enough when its byte is at most one in this many: a false candidate costs a whole check, about as
     * much as probing 64 more bytes for a second byte.
     */
    static final int ONE_PROBE_SHARE = 64;

    /** Whether {@link #rareCandidates} (one probe) is the cheaper search in the data this needle was tuned to. */
    boolean oneProbe() {
        return oneProbe;
    }

    private int count(int[] seen, int j) {
        int c = bytes[j] & 0xff;
        return ignoreCase && isLower(bytes[j]) ? seen[c] + seen[c - 32] : seen[c];
    }

    private byte fold(byte c) {
        return ignoreCase && c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
    }

    int length() {
        return bytes.length;
    }

    /** Whether the needle holds a newline: then it is in no single row, and a search across rows would be wrong. */
    boolean spansLines() {
        for (byte c : bytes) if (c == '\n') return true;
        return false;
    }

    private static boolean isLower(byte c) {
        return c >= 'a' && c <= 'z';
    }

    /** Whether {@code b[from, to)} contains the needle. */
    boolean in(byte[] b, int from, int to) {
        return find(b, from, to) >= 0;
    }

    /** The first index in {@code b[from, to)} where the whole needle starts, or -1. */
    int find(byte[] b, int from, int to) {
        int n = bytes.length;
        int i = from;
        // both probe words must lie inside [from, to): the last starts at i + lastAt, and lastAt < n
        for (int end = wordsEnd(to); i < end; i += 8) {
            long m = candidates(b, i);
            while (m != 0) {
                int at = i + (Long.numberOfTrailingZeros(m) >>> 3);
                if (matchesAt(b, at)) return at;
                m &= m - 1;
            }
        }
        for (int lastStart = to - n; i <= lastStart; i++) if (matchesAt(b, i)) return i;
        return -1;
    }

    /** Where {@link #candidates} may be asked for in {@code b[.., to)}: positions below this. */
    int wordsEnd(int to) {
        return to - bytes.length - 7;
    }

    /**
     * The high bit of each lane {@code j} where the needle may start at {@code i + j}, by its two probe bytes
     * (every such lane, and rarely one more: candidates are checked whole).
     */
    long candidates(byte[] b, int i) {
        return Bytes.maybeEqualLanes(Bytes.word(b, i + firstAt) | firstFold, first)
                & Bytes.maybeEqualLanes(Bytes.word(b, i + lastAt) | lastFold, last);
    }

    /**
     * The high bit of each lane {@code j} where the needle may start at {@code i + j}, by its rarest byte alone (every
     * such lane, and some more: candidates are checked whole); asked for below {@link #wordsEnd}, as is {@link #candidates}.
     */
    long rareCandidates(byte[] b, int i) {
        return rareLanes(Bytes.word(b, i + rareAt));
    }

    /** {@link #rareCandidates} of a word read already at {@code i + }{@link #rareAt()}: its lanes that may be the rarest byte. */
    long rareLanes(long word) {
        return Bytes.maybeEqualLanes(word | rareFold, rare);
    }

    /** Where in the needle its rarest byte is: {@link #rareCandidates} probes the word at {@code i} plus this. */
    int rareAt() {
        return rareAt;
    }

    /** Whether the needle's rarest byte is where it would be if the needle started at {@code b[at]} (within the array). */
    boolean rareByteAt(byte[] b, int at) {
        return fold(b[at + rareAt]) == bytes[rareAt];
    }

    /** Whether the whole needle starts at {@code b[at]} (which must leave room for it). */
    boolean matchesAt(byte[] b, int at) {
        if (!ignoreCase) return Arrays.equals(b, at, at + bytes.length, bytes, 0, bytes.length);
        for (int j = 0; j < bytes.length; j++) {
            if (fold(b[at + j]) != bytes[j]) return false;
        }
        return true;
    }
}
