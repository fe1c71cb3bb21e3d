package dev.cistern.agent.remotewrite;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;

/**
 * The label bytes of a cache's series back to back, in the order they were first seen. A scrape comes in the
 * same order every time, so the follower compare ({@link SeriesCache}) reads one key after the other in memory,
 * which the CPU's prefetcher streams in; a copy of its own per key landed anywhere in the heap, and each compare
 * waited for memory (on the issue-13 load, a third of the remote-write decode). Keys that go leave a hole until
 * the arena is full; then the live ones move, still in the order first seen, to an arena twice their size. So the
 * arena holds at most twice the most key bytes the cache has held at once (its estimate counts every key twice).
 */
final class KeyArena {
    private static final int MIN_BYTES = 16 << 10;

    private byte[] bytes = new byte[MIN_BYTES];
    private int used;
    private long live;

    /** Copies {@code b[off, off + len)} here and points {@code key} at it; makes room first by moving {@code keys}. */
    void store(SeriesKey key, byte[] b, int off, int len, Collection<? extends SeriesKey> keys) {
        if (len > bytes.length - used) relocate(keys, len);
        System.arraycopy(b, off, bytes, used, len);
        key.set(bytes, used, len);
        used += len;
        live += len;
    }

    /** A key stored here is no longer used: its bytes are dropped at the next move. */
    void released(SeriesKey key) {
        live -= key.len;
    }

    void clear() {
        bytes = new byte[MIN_BYTES];
        used = 0;
        live = 0;
    }

    /** The heap the arena takes: twice the live keys at its last move (at least {@link #MIN_BYTES}), until the next. */
    long capacity() {
        return bytes.length;
    }

    /** Moves {@code keys}, in the order they were stored, to an arena twice their size and {@code extra} more. */
    private void relocate(Collection<? extends SeriesKey> keys, int extra) {
        SeriesKey[] inOrder = keys.toArray(new SeriesKey[0]);
        Arrays.sort(inOrder, Comparator.comparingInt(k -> k.off)); // all in this arena: first seen, first
        long liveNow = 0;
        for (SeriesKey k : inOrder) liveNow += k.len;
        long want = Math.max(MIN_BYTES, 2 * (liveNow + extra));
        byte[] to = new byte[(int) Math.min(Integer.MAX_VALUE - 16, want)];
        int at = 0;
        for (SeriesKey k : inOrder) {
            System.arraycopy(k.b, k.off, to, at, k.len);
            k.moveTo(to, at);
            at += k.len;
        }
        bytes = to;
        used = at;
        live = at;
    }
}
