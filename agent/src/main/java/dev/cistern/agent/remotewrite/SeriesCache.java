package dev.cistern.agent.remotewrite;

import dev.cistern.spool.Series;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Series, keyed by the raw bytes of a TimeSeries' label fields: Prometheus sends the
 * same label set for a series request after request, so a repeat costs a hash and a byte compare
 * instead of strings, a label set and JSON escaping. And since a scrape lists its series in the
 * same order every time, each series remembers the one that came after it: when the next series
 * is that one, a byte compare finds it without hashing or probing the map.
 *
 * <p>Bounded by an estimate of the memory it holds; the least recently looked-up series go first
 * (a series found as a follower does not refresh its place, so under pressure it may be evicted
 * and made again: the cost is speed, never a wrong row). Not thread-safe: each HTTP thread has
 * one (it decodes requests as it validates them, see {@link RemoteWriteHandoff}), and so does each
 * sealer lane, for entries it replays from the journal.
 */
public final class SeriesCache {
    /** A series with the streams its rows go to: a route mask, bit i for the router's stream i. */
    public record Entry(Series series, long route) {}

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int ENTRY_OVERHEAD = 256;

    private final long budgetBytes;
    private final LinkedHashMap<Key, Slot> map = new LinkedHashMap<>(1024, 0.75f, true);
    private final Key probe = new Key();
    private Slot last; // the slot the previous lookup returned
    private long heldBytes;
    private long hits;
    private long misses;
    private long followed;

    public SeriesCache(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** A budget that scales with the heap: a 64 MiB edge box keeps about 4 MiB of series. */
    public static long defaultBudget() {
        return Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 16);
    }

    /** The key length of the series expected next (the one that followed the last one found), or -1. */
    int followerLength() {
        Slot guess = last == null ? null : last.next;
        return guess == null || guess.evicted ? -1 : guess.key.len;
    }

    /**
     * The entry for these label-field bytes if they are the expected next series', else null: no
     * hash, no map. Nothing changes until {@link #acceptFollower}: the caller may still give up on
     * the series.
     */
    Entry peekFollower(byte[] b, int off, int len) {
        Slot guess = last == null ? null : last.next;
        if (guess != null && !guess.evicted && guess.key.len == len
                && Arrays.equals(b, off, off + len, guess.key.b, 0, len)) {
            return guess.entry;
        }
        return null;
    }

    /** The series {@link #peekFollower} just found is the one looked up: the next guess follows it. */
    void acceptFollower() {
        hits++;
        followed++;
        last = last.next;
    }

    /** The entry for these label-field bytes, or null. */
    Entry get(byte[] b, int off, int len) {
        Entry followed = peekFollower(b, off, len);
        if (followed != null) {
            acceptFollower();
            return followed;
        }
        probe.set(b, off, len);
        Slot s = map.get(probe);
        if (s == null) {
            misses++;
            return null; // put() follows and links the new slot
        }
        hits++;
        follow(s);
        return s.entry;
    }

    /** Remembers an entry for these label-field bytes (copied), evicting the least recently used over budget. */
    void put(byte[] b, int off, int len, Entry e) {
        Key k = new Key();
        k.set(Arrays.copyOfRange(b, off, off + len), 0, len);
        Slot s = new Slot(k, e);
        Slot replaced = map.put(k, s);
        if (replaced == null) heldBytes += cost(len);
        else replaced.evicted = true;
        follow(s);
        Iterator<Map.Entry<Key, Slot>> it = map.entrySet().iterator();
        while (heldBytes > budgetBytes && it.hasNext()) {
            Slot eldest = it.next().getValue();
            if (eldest == s) break;
            heldBytes -= cost(eldest.key.len);
            eldest.evicted = true; // a stale follower link must not bring it back
            it.remove();
        }
    }

    private void follow(Slot s) {
        if (last != null) last.next = s;
        last = s;
    }

    /** Key bytes, and about as much again for the label strings and twice for the series' JSON. */
    private static long cost(int keyLen) {
        return 4L * keyLen + ENTRY_OVERHEAD;
    }

    int size() {
        return map.size();
    }

    long hits() {
        return hits;
    }

    /** Hits found as the follower of the previous series, without a map lookup. */
    long followed() {
        return followed;
    }

    long misses() {
        return misses;
    }

    /** A cached series, and the one that followed it last time. */
    private static final class Slot {
        final Key key;
        final Entry entry;
        Slot next;
        boolean evicted;

        Slot(Key key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }
    }

    /** A byte range with its hash; the probe is a reused view, stored keys own their bytes. */
    private static final class Key {
        private byte[] b;
        private int off;
        private int len;
        private int hash;

        void set(byte[] b, int off, int len) {
            this.b = b;
            this.off = off;
            this.len = len;
            this.hash = hash(b, off, len);
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
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && k.len == len
                    && Arrays.equals(b, off, off + len, k.b, k.off, k.off + k.len);
        }
    }
}
