package dev.cistern.agent.remotewrite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The series of one Remote-Write 2.0 request by the bytes of their packed label refs. Prometheus
 * sends one TimeSeries per sample, so a series comes back several times in a request with the same
 * refs: after the first time (refs checked, series found or made by its label bytes), a repeat costs
 * a hash of a few dozen bytes and a compare: no refs decoded, no label bytes touched. Refs mean
 * something within their request only, and the ranges point into its body: cleared for each.
 * Open addressing, reused from request to request.
 */
final class V2SeriesMemo {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private int[] slots = new int[1024]; // entry number + 1, 0 empty
    private int[] hashes = new int[512];
    private int[] at = new int[512];
    private int[] len = new int[512];
    private int[] next = new int[512]; // the entry that came after it, -1 none yet
    private SeriesCache.Entry[] entries = new SeriesCache.Entry[512];
    private int count;
    private int last = -1; // the entry found or put last
    private int missedHash; // the hash of the refs get() missed last, for the put() that follows
    private byte[] b;

    void clear(byte[] body) {
        if (count > 0) {
            Arrays.fill(slots, 0);
            Arrays.fill(entries, 0, count, null); // the cache decides how long a series lives, not this
        }
        count = 0;
        last = -1;
        b = body;
    }

    /** The series remembered for refs bytes {@code b[from, from + n)}, or null. */
    SeriesCache.Entry get(int from, int n) {
        int guess = last < 0 ? -1 : next[last];
        if (guess >= 0 && len[guess] == n && Arrays.equals(b, at[guess], at[guess] + n, b, from, from + n)) {
            last = guess;
            return entries[guess];
        }
        int h = hash(b, from, n);
        int mask = slots.length - 1;
        for (int i = h & mask; slots[i] != 0; i = (i + 1) & mask) {
            int e = slots[i] - 1;
            if (hashes[e] == h && len[e] == n && Arrays.equals(b, at[e], at[e] + n, b, from, from + n)) {
                follow(e);
                return entries[e];
            }
        }
        missedHash = h;
        return null;
    }

    /** Remembers the series of refs bytes {@code b[from, from + n)}, checked, for the rest of the request ({@link #get} just missed). */
    void put(int from, int n, SeriesCache.Entry entry) {
        if (count == entries.length) grow();
        hashes[count] = missedHash;
        at[count] = from;
        len[count] = n;
        next[count] = -1;
        entries[count] = entry;
        place(count, missedHash);
        follow(count++);
    }

    private void follow(int e) {
        if (last >= 0) next[last] = e;
        last = e;
    }

    private void place(int e, int h) {
        int mask = slots.length - 1;
        int i = h & mask;
        while (slots[i] != 0) i = (i + 1) & mask;
        slots[i] = e + 1;
    }

    /** Twice the entries, and slots kept at most half full. */
    private void grow() {
        int n = entries.length * 2;
        entries = Arrays.copyOf(entries, n);
        hashes = Arrays.copyOf(hashes, n);
        at = Arrays.copyOf(at, n);
        len = Arrays.copyOf(len, n);
        next = Arrays.copyOf(next, n);
        slots = new int[2 * n];
        for (int e = 0; e < count; e++) place(e, hashes[e]);
    }

    /** Two lanes of 8-byte words, then the tail (its last 8 bytes as one word); refs lists and symbols are a few dozen bytes. */
    static int hash(byte[] b, int from, int n) {
        long h0 = n;
        long h1 = 0x243F6A8885A308D3L;
        int i = from;
        int end = from + n;
        for (; i + 16 <= end; i += 16) {
            h0 = Long.rotateLeft((h0 ^ (long) LONGS.get(b, i)) * 0x9E3779B97F4A7C15L, 31);
            h1 = Long.rotateLeft((h1 ^ (long) LONGS.get(b, i + 8)) * 0x9E3779B97F4A7C15L, 31);
        }
        if (i + 8 <= end) {
            h0 = Long.rotateLeft((h0 ^ (long) LONGS.get(b, i)) * 0x9E3779B97F4A7C15L, 31);
            i += 8;
        }
        if (i < end && n >= 8) { // the last 8 bytes, some hashed already: the length is in the hash, so equal keys still hash alike
            h1 = Long.rotateLeft((h1 ^ (long) LONGS.get(b, end - 8)) * 0x9E3779B97F4A7C15L, 31);
            i = end;
        }
        for (; i < end; i++) h1 = Long.rotateLeft((h1 ^ b[i]) * 0x9E3779B97F4A7C15L, 31);
        long h = h0 ^ Long.rotateLeft(h1, 32);
        h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
        return (int) (h ^ (h >>> 32));
    }
}
