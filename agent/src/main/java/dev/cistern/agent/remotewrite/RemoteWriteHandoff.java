package dev.cistern.agent.remotewrite;

import java.io.IOException;
import org.xerial.snappy.Snappy;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.LongToIntFunction;

/**
 * Remote-write requests are decoded once: on the HTTP thread that validates them (validation and
 * decoding are one walk, see {@link WriteRequestReader#readIfValid}), and the rows go to the
 * applier lane in memory, by journal index, next to the journaled body. The journal stays the
 * record: a lane that finds no rows here (a restart, a replay, a full hand-off, or an entry read
 * before the HTTP thread got to offer it) decodes the body from the journal as before.
 *
 * <p>Each lane has its own map; only the lane removes from it, so what it finds stays found.
 * The rows held are bounded in bytes; past that, requests go through the journal only.
 */
public final class RemoteWriteHandoff {
    private final ThreadLocal<WriteRequestReader> readers;
    private final ThreadLocal<WriteV2Reader> v2Readers;
    private final ConcurrentSkipListMap<Long, DecodedRequest>[] byLane;
    private final LongToIntFunction laneOf;
    private final AtomicLong heldBytes = new AtomicLong();
    private final long budgetBytes;
    private final ReplayGate replayGate = new ReplayGate();
    private final ThreadLocal<SeriesCache> caches;
    private final LongSupplier routing;

    /**
     * {@code laneOf} deals a journal index to one of {@code lanes} lanes, as the lanes read them;
     * {@code maker} makes a series seen for the first time by an HTTP thread's cache.
     */
    public RemoteWriteHandoff(int lanes, LongToIntFunction laneOf, WriteRequestReader.SeriesMaker maker, long seriesBudgetPerThread,
                              long budgetBytes) {
        this(lanes, laneOf, maker, seriesBudgetPerThread, budgetBytes, () -> 0);
    }

    /**
     * As above; {@code routing} is the generation of the routing {@code maker} routes by (a config reload bumps it):
     * the caches forget series made under another, and a lane takes no rows decoded under another.
     */
    @SuppressWarnings("unchecked")
    public RemoteWriteHandoff(int lanes, LongToIntFunction laneOf, WriteRequestReader.SeriesMaker maker, long seriesBudgetPerThread,
                              long budgetBytes, LongSupplier routing) {
        this.laneOf = laneOf;
        this.routing = routing;
        // one cache per thread serves both protocols (their keys never collide): a thread sees one sender's series either way
        this.caches = ThreadLocal.withInitial(() -> new SeriesCache(seriesBudgetPerThread));
        this.readers = ThreadLocal.withInitial(() -> new WriteRequestReader(caches.get(), maker));
        this.v2Readers = ThreadLocal.withInitial(() -> new WriteV2Reader(caches.get(), maker));
        this.byLane = new ConcurrentSkipListMap[lanes];
        for (int l = 0; l < lanes; l++) byLane[l] = new ConcurrentSkipListMap<>();
        this.budgetBytes = budgetBytes;
    }

    /** The decoded rows held for the lanes: a sixteenth of the heap, 1-64 MiB. */
    public static long defaultBudget() {
        return Math.max(1L << 20, Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 16));
    }

    /** Validates a decompressed WriteRequest whole under the default rules, and decodes it. */
    public DecodedRequest decode(byte[] raw, int len) {
        return decode(raw, len, RemoteWriteRules.DEFAULT, RemoteWriteRules.Limits.SPOOL_RANGE);
    }

    /**
     * Validates a decompressed WriteRequest whole and decodes it; every problem not dropped by
     * {@code rules} is an {@link InvalidWriteRequestException}. When the rules drop anything, the
     * rows are those of a rewritten body ({@link DecodedRequest#rewrittenBody}), which is what to journal.
     */
    public DecodedRequest decode(byte[] raw, int len, RemoteWriteRules rules, RemoteWriteRules.Limits limits) {
        return decode(raw, len, rules, limits, null);
    }

    /**
     * As {@link #decode(byte[], int, RemoteWriteRules, RemoteWriteRules.Limits)}, charging {@code charge} with the
     * heap the rows take before it is allocated (it may throw to refuse the request).
     */
    public DecodedRequest decode(byte[] raw, int len, RemoteWriteRules rules, RemoteWriteRules.Limits limits, LongConsumer charge) {
        WriteRequestReader r = readers.get();
        long generation = routingNow();
        r.chargeTo(charge);
        try {
            if (quicklyValid(r, raw, len, limits)) return made(r.decoded(), generation);
            WriteRequestValidator.Verdict v = WriteRequestValidator.validate(raw, len, rules, limits); // throws, with the reason
            if (v.drops() == null) {
                r.readDecompressed(raw, len);
                return made(r.decoded(), generation);
            }
            if (charge != null) charge.accept(len + (long) Snappy.maxCompressedLength(len)); // the rewritten body, and compressed
            byte[] kept = WriteRequestRewrite.without(raw, len, v.drops());
            r.readDecompressed(kept, kept.length);
            return made(r.decoded().rewritten(Snappy.compress(kept), v.drops().counts()), generation);
        } catch (IOException e) { // after a full validation, only a protobuf the generated parser also refuses
            throw InvalidWriteRequestException.malformed("malformed_protobuf",
                    "body is not a remote_write WriteRequest: " + e.getMessage());
        } finally {
            r.chargeTo(null);
        }
    }

    /**
     * Validates a decompressed Remote-Write 2.0 Request whole and decodes it, as {@link #decode} does
     * for 1.0: what the rules drop is cut from a rewritten body, which is what to journal.
     */
    public DecodedRequest decodeV2(byte[] raw, int len, RemoteWriteRules rules, RemoteWriteRules.Limits limits) {
        return decodeV2(raw, len, rules, limits, null);
    }

    /** As {@link #decodeV2(byte[], int, RemoteWriteRules, RemoteWriteRules.Limits)}, the rows charged to {@code charge} first. */
    public DecodedRequest decodeV2(byte[] raw, int len, RemoteWriteRules rules, RemoteWriteRules.Limits limits, LongConsumer charge) {
        WriteV2Reader r = v2Readers.get();
        long generation = routingNow();
        DecodedRequest rows = r.read(raw, len, rules, limits, charge);
        Drops drops = r.drops();
        if (drops == null) return made(rows, generation);
        try {
            if (charge != null) charge.accept(len + (long) Snappy.maxCompressedLength(len)); // the rewritten body, and compressed
            byte[] kept = WriteV2Rewrite.without(raw, len, drops);
            return made(r.read(kept, kept.length, RemoteWriteRules.DEFAULT, RemoteWriteRules.Limits.SPOOL_RANGE, charge)
                    .rewritten(Snappy.compress(kept), drops.counts()), generation);
        } catch (IOException e) { // the generated parser refused what the walk accepted: a bug, said as such
            throw new IllegalStateException("cannot rewrite a valid Remote-Write 2.0 request", e);
        }
    }

    /** The routing generation now; this thread's cache forgets series made under an earlier one. */
    private long routingNow() {
        long generation = routing.getAsLong();
        SeriesCache cache = caches.get();
        cache.forgetIfNot(generation);
        cache.takeOrphanedBytes(); // series a refused request let go are not the next one's
        return generation;
    }

    /** Rows as decoded under {@code generation}, holding the series the cache did not keep (see {@link #offer}). */
    private DecodedRequest made(DecodedRequest rows, long generation) {
        return rows.routing(generation).orphans(caches.get().takeOrphanedBytes());
    }

    private static boolean quicklyValid(WriteRequestReader r, byte[] raw, int len, RemoteWriteRules.Limits limits) {
        try {
            return r.readIfValid(raw, len, limits);
        } catch (IOException e) {
            return false; // the full validation words it
        }
    }

    /**
     * Hands the rows of journal entry {@code index} to its lane, unless the hand-off is full. The bound counts the
     * series only these rows hold (made when the thread's cache was full), so rows held here never keep more than
     * the budget alive, however the caches fare.
     */
    public void offer(long index, DecodedRequest rows) {
        long bytes = rows.heapBytes();
        if (heldBytes.addAndGet(bytes) > budgetBytes) {
            heldBytes.addAndGet(-bytes);
            return;
        }
        byLane[laneOf.applyAsInt(index)].put(index, rows);
    }

    /**
     * The rows of entry {@code index}, or null; called by lane {@code lane} for each of its entries in
     * order, so rows offered for entries it has passed (offered late) are dropped here.
     */
    public DecodedRequest take(int lane, long index) {
        ConcurrentNavigableMap<Long, DecodedRequest> passed = byLane[lane].headMap(index, true);
        DecodedRequest found = null;
        for (Map.Entry<Long, DecodedRequest> e; (e = passed.pollFirstEntry()) != null; ) {
            heldBytes.addAndGet(-e.getValue().heapBytes());
            if (e.getKey() == index) found = e.getValue();
        }
        // decoded under routing a reload has replaced since: the lane decodes the journaled body again under the new one
        return found == null || found.routing() != routing.getAsLong() ? null : found;
    }

    /** What the lanes pass to decode a journaled body again, one big one at a time. */
    public ReplayGate replayGate() {
        return replayGate;
    }

    long heldBytes() {
        return heldBytes.get();
    }
}
