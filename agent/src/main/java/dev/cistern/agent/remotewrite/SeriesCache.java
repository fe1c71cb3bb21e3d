package dev.cistern.agent.remotewrite;

import dev.cistern.spool.Series;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Series, keyed by the raw bytes of a TimeSeries' label fields: Prometheus sends the
 * same label set for a series request after request, so a repeat costs a hash and a byte compare
 * instead of strings, a label set and JSON escaping. And since a scrape lists its series in the
 * same order every time, each series remembers the one that came after it: when the next series
 * is that one, a byte compare finds it without hashing or probing the map.
 *
 * <p>Bounded by an estimate of the heap it holds ({@link #cost}, checked against the heap by SeriesCacheTest); each
 * cache's budget is a share of an eighth of the heap ({@link #defaultBudget}). Once full, only one new series in
 * {@link #ADMIT_EVERY} gets in, in place of the least recently looked-up (a series found as a follower does not refresh
 * its place): a scrape bigger than the budget comes round in the same order, and plain LRU would then evict each series
 * just before it is wanted again and miss on every one (a 64 MiB heap did, making 2,000 series a request). Held back
 * this way, the cache keeps most of such a scrape and still turns over to new series. A miss costs speed, never a
 * wrong row. Series made but not kept, or evicted, are {@link #takeOrphanedBytes orphaned}: only the requests that
 * use them hold them, and the hand-off counts them against its own budget. Not thread-safe: each HTTP thread has
 * one (it decodes requests as it validates them, see {@link RemoteWriteHandoff}), and so does each
 * sealer lane, for entries it replays from the journal.
 */
public final class SeriesCache {
    /** A series with the streams its rows go to: a route mask, bit i for the router's stream i. */
    public record Entry(Series series, long route) {}

    /** Objects per series whatever its labels: map entry, slot (its own key), entry, series, labels, their arrays and headers. */
    private static final int ENTRY_OVERHEAD = 400;
    /** Per label: its two strings (about 40 bytes each besides the characters) and a bit of the series' JSON. */
    private static final int LABEL_OVERHEAD = 96;
    /** Over budget, one new series in this many is kept (evicting the eldest); the rest are made, used and not kept. */
    static final int ADMIT_EVERY = 8;
    private static final AtomicLong HELD_ALL = new AtomicLong();
    private static final AtomicLong BUDGET_ALL = new AtomicLong();

    private final long budgetBytes;
    private final LinkedHashMap<SeriesKey, Slot> map = new LinkedHashMap<>(1024, 0.75f, true);
    private final SeriesKey probe = new SeriesKey();
    private final KeyArena arena = new KeyArena();
    private Slot last; // the slot the previous lookup returned
    @SuppressWarnings("unused") // written so that the reads in lookAhead are done
    private int touched;
    private long routing; // the routing generation its entries were made under
    private long heldBytes;
    private long hits;
    private long misses;
    private long followed;
    private long refused; // new series found no room, so far
    private long orphanedBytes; // series made and not kept, or evicted, since the last take

    public SeriesCache(long budgetBytes) {
        this.budgetBytes = budgetBytes;
        BUDGET_ALL.addAndGet(budgetBytes);
    }

    /**
     * What the caches of one side (the HTTP threads together, or the applier lanes together) may hold: an eighth of
     * the heap, so all the agent's caches hold at most a quarter (16 MiB at -Xmx64m). A sixteenth held 770 series a
     * thread at -Xmx64m with edge.yaml's 2 HTTP threads, less than one k8s node's scrape (957).
     */
    public static long defaultBudget() {
        return Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 8);
    }

    /** Bytes held by every cache of this JVM, by the estimate each is bounded by. */
    public static long heldBytesAll() {
        return HELD_ALL.get();
    }

    /** The budgets of every cache made in this JVM, added up. */
    public static long budgetBytesAll() {
        return BUDGET_ALL.get();
    }

    /**
     * Forgets every series when the routing changed since they were made (a config reload swapped the rules or
     * static labels): their routes and labels are stale. Nothing to do while the generation is the same.
     */
    public void forgetIfNot(long generation) {
        if (generation == routing) return;
        for (Slot s : map.values()) s.evicted = true; // follower links to them must not bring them back
        map.clear();
        arena.clear();
        last = null;
        HELD_ALL.addAndGet(-heldBytes);
        heldBytes = 0;
        routing = generation;
    }

    /** The key length of the series expected next (the one that followed the last one found), or -1. */
    int followerLength() {
        Slot guess = last == null ? null : last.next;
        return guess == null || guess.evicted ? -1 : guess.len;
    }

    /** The entry of the series expected next, for a caller that compared its key itself; null if none. */
    Entry follower() {
        Slot guess = last == null ? null : last.next;
        return guess == null || guess.evicted ? null : guess.entry;
    }

    /**
     * The entry for these label-field bytes if they are the expected next series', else null: no
     * hash, no map. Nothing changes until {@link #acceptFollower}: the caller may still give up on
     * the series.
     */
    Entry peekFollower(byte[] b, int off, int len) {
        Slot guess = last == null ? null : last.next;
        if (guess != null && !guess.evicted && guess.len == len
                && Arrays.equals(b, off, off + len, guess.b, guess.off, guess.off + len)) {
            return guess.entry;
        }
        return null;
    }

    /** The series {@link #peekFollower} just found is the one looked up: the next guess follows it. */
    void acceptFollower() {
        hits++;
        followed++;
        last = last.next;
        lookAhead();
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

    /**
     * Remembers an entry for these label-field bytes (copied), unless the cache is full and does not admit it
     * (see the class comment); returns whether it kept it.
     */
    boolean put(byte[] b, int off, int len, Entry e) {
        return put(b, off, len, e, cost(b, off, len));
    }

    /** As {@link #put(byte[], int, int, Entry)} for a key that is not label fields (2.0's), its heap {@code cost} worked out. */
    boolean put(byte[] b, int off, int len, Entry e, int cost) {
        if (heldBytes + cost > budgetBytes && ++refused % ADMIT_EVERY != 0) {
            orphanedBytes += cost;
            last = null; // no follower link to a series not kept
            return false;
        }
        Slot s = new Slot(e, cost);
        arena.store(s, b, off, len, map.keySet());
        Slot replaced = map.remove(s); // so that the map's key is the new slot, which is its own key
        map.put(s, s);
        long added = s.cost;
        if (replaced != null) {
            replaced.evicted = true;
            arena.released(replaced);
            replaced.moveTo(null, 0); // a follower link may keep the slot: not the arena too
            added -= replaced.cost;
        }
        follow(s);
        Iterator<Map.Entry<SeriesKey, Slot>> it = map.entrySet().iterator();
        while (heldBytes + added > budgetBytes && it.hasNext()) {
            Slot eldest = it.next().getValue();
            if (eldest == s) break;
            added -= eldest.cost;
            orphanedBytes += eldest.cost;
            eldest.evicted = true; // a stale follower link must not bring it back
            it.remove();
            arena.released(eldest);
            eldest.moveTo(null, 0);
        }
        heldBytes += added;
        HELD_ALL.addAndGet(added);
        return true;
    }

    /** The heap of the series this cache made and let go (not kept, or evicted) since the last call; starts again at 0. */
    long takeOrphanedBytes() {
        long n = orphanedBytes;
        orphanedBytes = 0;
        return n;
    }

    private void follow(Slot s) {
        if (last != null) last.next = s;
        last = s;
        lookAhead();
    }

    /**
     * Reads the next guess' slot now, while the caller decodes this series' samples: it was last read a scrape ago
     * and is likely out of the CPU's caches (its key, read in arena order, streams in).
     */
    private void lookAhead() {
        Slot guess = last.next;
        if (guess != null) touched = guess.len;
    }

    /**
     * The heap a series takes: its key (twice, see {@link #cost(int, int, int)}), its label strings and its JSON head
     * and tail (each about the key's length again); and per label field, two strings' overhead; and the objects around them.
     */
    static int cost(byte[] key, int off, int len) {
        int fields = 0;
        for (int p = off, end = off + len; p < end; fields++) { // label fields: a tag, a varint length, the label
            int n = 0;
            int shift = 0;
            byte x;
            p++;
            do {
                x = p < end ? key[p++] : 0;
                n |= (x & 0x7f) << shift;
                shift += 7;
            } while (x < 0 && shift < 28);
            p += n;
        }
        return cost(len, len, fields);
    }

    /**
     * The heap a series takes whose key is {@code keyLen} bytes: the key twice (the arena keeps at most as much again
     * free), its labels' strings and JSON (twice their bytes).
     */
    static int cost(int keyLen, int labelBytes, int labels) {
        return 2 * keyLen + 2 * labelBytes + LABEL_OVERHEAD * labels + ENTRY_OVERHEAD;
    }

    long heldBytes() {
        return heldBytes;
    }

    long budgetBytes() {
        return budgetBytes;
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

    /**
     * A cached series, its own key (so that the follower compare reads the slot and the arena only), and the one that
     * followed it last time.
     */
    private static final class Slot extends SeriesKey {
        final Entry entry;
        final int cost;
        Slot next;
        boolean evicted;

        Slot(Entry entry, int cost) {
            this.entry = entry;
            this.cost = cost;
        }
    }
}
