package dev.cistern.agent.remotewrite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/** A byte range with its hash; the probe is a reused view, stored keys view their bytes in a {@link KeyArena}. */
class SeriesKey {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    // read by the cache for its follower compare
    byte[] b;
    int off;
    int len;
    private int hash;

    final void set(byte[] b, int off, int len) {
        this.b = b;
        this.off = off;
        this.len = len;
        this.hash = hash(b, off, len);
    }

    /** The same bytes, now at {@code off} in {@code b}: the hash stays. */
    final void moveTo(byte[] b, int off) {
        this.b = b;
        this.off = off;
    }

    /** Four independent lanes over 32-byte blocks keep the multiplier busy; the key bytes are mostly ASCII. */
    private static int hash(byte[] b, int off, int len) {
        long h0 = len;
        long h1 = 0x243F6A8885A308D3L;
        long h2 = 0x13198A2E03707344L;
        long h3 = 0xA4093822299F31D0L;
        int i = off;
        int end = off + len;
        for (; i + 32 <= end; i += 32) {
            h0 = mix(h0, (long) LONGS.get(b, i));
            h1 = mix(h1, (long) LONGS.get(b, i + 8));
            h2 = mix(h2, (long) LONGS.get(b, i + 16));
            h3 = mix(h3, (long) LONGS.get(b, i + 24));
        }
        for (; i + 8 <= end; i += 8) h0 = mix(h0, (long) LONGS.get(b, i));
        for (; i < end; i++) h1 = mix(h1, b[i]);
        long h = h0 ^ Long.rotateLeft(h1, 16) ^ Long.rotateLeft(h2, 32) ^ Long.rotateLeft(h3, 48);
        h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
        return (int) (h ^ (h >>> 32));
    }

    private static long mix(long h, long v) {
        return Long.rotateLeft((h ^ v) * 0x9E3779B97F4A7C15L, 31);
    }

    @Override
    public final int hashCode() {
        return hash;
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof SeriesKey k && k.hash == hash && k.len == len
                && Arrays.equals(b, off, off + len, k.b, k.off, k.off + k.len);
    }
}
