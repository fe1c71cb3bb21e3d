package dev.cistern.spool;

/**
 * A byte string to find in decoded rows, exactly or ignoring ASCII case (the needle is given in
 * lower case). Candidates are found eight positions at a time by two of the needle's bytes (its
 * first and last, quotes aside), then checked whole, the way fast grep implementations do.
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

    /** {@code bytes} must be lower case already when {@code ignoreCase}; it may not be empty. */
    Needle(byte[] bytes, boolean ignoreCase) {
        if (bytes.length == 0) throw new IllegalArgumentException("an empty needle");
        this.bytes = bytes.clone();
        this.ignoreCase = ignoreCase;
        // probe bytes inside quotes, which are everywhere in JSON: "name" is probed at n and e
        int a = 0;
        int z = bytes.length - 1;
        while (a < z && bytes[a] == '"') a++;
        while (z > a && bytes[z] == '"') z--;
        this.firstAt = a;
        this.lastAt = z;
        byte f = bytes[a];
        byte l = bytes[z];
        this.first = Bytes.broadcast(f);
        this.last = Bytes.broadcast(l);
        this.firstFold = ignoreCase && isLower(f) ? CASE_BITS : 0;
        this.lastFold = ignoreCase && isLower(l) ? CASE_BITS : 0;
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
        for (int end = to - n - 7; i < end; i += 8) {
            long m = Bytes.equalLanes(Bytes.word(b, i + firstAt) | firstFold, first)
                    & Bytes.equalLanes(Bytes.word(b, i + lastAt) | lastFold, last);
            while (m != 0) {
                int at = i + (Long.numberOfTrailingZeros(m) >>> 3);
                if (matchesAt(b, at)) return at;
                m &= m - 1;
            }
        }
        for (int lastStart = to - n; i <= lastStart; i++) if (matchesAt(b, i)) return i;
        return -1;
    }

    private boolean matchesAt(byte[] b, int at) {
        for (int j = 0; j < bytes.length; j++) {
            byte c = b[at + j];
            if (ignoreCase && c >= 'A' && c <= 'Z') c += 32;
            if (c != bytes[j]) return false;
        }
        return true;
    }
}
