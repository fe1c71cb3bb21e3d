package dev.cistern.agent.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongToIntFunction;
import org.junit.jupiter.api.Test;

/** Rows decoded on the HTTP thread reach the lane of their journal index once, and never pile up. */
class RemoteWriteHandoffTest {
    /** Entries dealt to two lanes by index, as the journal's lanes read them. */
    static final LongToIntFunction TWO_LANES = index -> (int) (index % 2);

    private final byte[] request = WriteRequestFuzzTest.usual().toByteArray();

    @Test
    void eachLaneTakesItsOwnEntriesOnce() {
        RemoteWriteHandoff h = new RemoteWriteHandoff(2, TWO_LANES, WriteRequestReaderTest::make, 1 << 20, 1 << 20);
        DecodedRequest four = h.decode(request, request.length);
        DecodedRequest five = h.decode(request, request.length);
        h.offer(4, four);
        h.offer(5, five);
        assertNull(h.take(1, 4), "entry 4 is lane 0's");
        assertSame(four, h.take(0, 4));
        assertNull(h.take(0, 4), "taken once");
        assertSame(five, h.take(1, 5));
        assertEquals(0, h.heldBytes());
    }

    @Test
    void rowsOfferedAfterTheLanePassedTheirEntryAreDropped() {
        RemoteWriteHandoff h = new RemoteWriteHandoff(2, TWO_LANES, WriteRequestReaderTest::make, 1 << 20, 1 << 20);
        h.offer(2, h.decode(request, request.length)); // the lane read entry 2 from the journal before this
        assertNull(h.take(0, 6));
        assertEquals(0, h.heldBytes(), "the late rows of entry 2 went when the lane moved on");
    }

    @Test
    void rowsDecodedUnderRoutingAReloadReplacedAreNotTakenAndTheCacheForgetsItsSeries() {
        AtomicLong routing = new AtomicLong();
        int[] made = {0};
        WriteRequestReader.SeriesMaker counting = (name, labels) -> {
            made[0]++;
            return WriteRequestReaderTest.make(name, labels);
        };
        RemoteWriteHandoff h = new RemoteWriteHandoff(1, index -> 0, counting, 1 << 20, 1 << 20, routing::get);
        DecodedRequest before = h.decode(request, request.length);
        int series = made[0];
        assertTrue(series > 0);
        h.offer(0, h.decode(request, request.length));
        assertEquals(series, made[0], "the second decode found every series in the cache");
        h.offer(1, before);
        routing.incrementAndGet(); // a reload swapped the routing after these were decoded
        assertNull(h.take(0, 0), "decoded under the old routing: the lane decodes the journaled body again");
        assertNull(h.take(0, 1));
        assertEquals(0, h.heldBytes());
        DecodedRequest after = h.decode(request, request.length);
        assertEquals(2 * series, made[0], "the cache forgot the series made under the old routing");
        h.offer(2, after);
        assertSame(after, h.take(0, 2));
    }

    @Test
    void overItsBudgetTheRowsGoThroughTheJournalOnly() {
        DecodedRequest rows = new RemoteWriteHandoff(1, index -> 0, WriteRequestReaderTest::make, 1 << 20, 1 << 20)
                .decode(request, request.length);
        RemoteWriteHandoff h = new RemoteWriteHandoff(1, index -> 0, WriteRequestReaderTest::make, 1 << 20, rows.heapBytes() * 2);
        h.offer(0, rows);
        h.offer(1, rows);
        h.offer(2, rows);
        assertSame(rows, h.take(0, 0));
        assertSame(rows, h.take(0, 1));
        assertNull(h.take(0, 2), "over the budget: not held");
    }

    @Test
    void rowsHoldingSeriesNoCacheKeptCountThemAgainstTheBudget() {
        // the thread's cache has no room, so the rows alone hold their series: uncounted, queued rows kept 2,000 series each
        DecodedRequest shared = new RemoteWriteHandoff(1, index -> 0, WriteRequestReaderTest::make, 1 << 20, 1 << 20)
                .decode(request, request.length);
        long budget = shared.heapBytes() * 4;
        RemoteWriteHandoff h = new RemoteWriteHandoff(1, index -> 0, WriteRequestReaderTest::make, 1, budget);
        for (int i = 0; i < 4; i++) {
            DecodedRequest alone = h.decode(request, request.length);
            assertTrue(alone.heapBytes() > budget, "3 series of their own: " + alone.heapBytes() + " against " + shared.heapBytes());
            h.offer(i, alone);
            assertTrue(h.heldBytes() <= budget, "held " + h.heldBytes());
            assertNull(h.take(0, i), "too big with its series: the lane decodes the journaled body");
        }
        RemoteWriteHandoff roomy = new RemoteWriteHandoff(1, index -> 0, WriteRequestReaderTest::make, 1 << 20, budget);
        roomy.decode(request, request.length);
        DecodedRequest cached = roomy.decode(request, request.length);
        assertEquals(shared.heapBytes(), cached.heapBytes(), "series the cache holds are not counted twice");
        roomy.offer(0, cached);
        assertSame(cached, roomy.take(0, 0));
    }

    @Test
    void anInvalidRequestIsA400WithItsReason() {
        byte[] noName = RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                .addLabels(WriteRequestValidatorTest.label("job", "x"))
                .addSamples(WriteRequestValidatorTest.sample(1, 2))).build().toByteArray();
        RemoteWriteHandoff h = new RemoteWriteHandoff(2, TWO_LANES, WriteRequestReaderTest::make, 1 << 20, 1 << 20);
        InvalidWriteRequestException e = assertThrows(InvalidWriteRequestException.class, () -> h.decode(noName, noName.length));
        assertFalse(e.tooLarge(), "a 400, not a 413");
        assertEquals("invalid_labels", e.reason());
    }

    /** One series of {@code n} samples: the densest rows a body can carry. */
    static byte[] dense(int n) {
        RemoteWrite.TimeSeries.Builder ts = RemoteWrite.TimeSeries.newBuilder().addLabels(WriteRequestValidatorTest.label("__name__", "d"));
        for (int i = 0; i < n; i++) ts.addSamples(WriteRequestValidatorTest.sample(1763773200000L + i, 0));
        return RemoteWrite.WriteRequest.newBuilder().addTimeseries(ts).build().toByteArray();
    }

    @Test
    void decodedRowsAreChargedBeforeTheyAreMadeAndNoBigBufferIsKept() {
        byte[] body = dense(200_000);
        RemoteWriteHandoff h = new RemoteWriteHandoff(2, TWO_LANES, WriteRequestReaderTest::make, 1 << 20, 1 << 20);
        long[] charged = {0};
        DecodedRequest rows = h.decode(body, body.length, RemoteWriteRules.DEFAULT, RemoteWriteRules.Limits.SPOOL_RANGE,
                n -> charged[0] += n);
        assertEquals(200_000, rows.sampleCount());
        assertTrue(charged[0] >= 16L * 200_000 && charged[0] <= rows.heapBytes(), "charged " + charged[0] + " for " + rows.heapBytes());
        long first = charged[0];
        charged[0] = 0;
        h.decode(body, body.length, RemoteWriteRules.DEFAULT, RemoteWriteRules.Limits.SPOOL_RANGE, n -> charged[0] += n);
        assertEquals(first, charged[0], "the second request grew its buffers again: the first one's went with its rows");
    }

    @Test
    void aRefusedChargeStopsTheDecodingAndTheReaderGoesOn() {
        byte[] body = dense(200_000);
        RemoteWriteHandoff h = new RemoteWriteHandoff(2, TWO_LANES, WriteRequestReaderTest::make, 1 << 20, 1 << 20);
        IllegalStateException refused = new IllegalStateException("no room");
        assertSame(refused, assertThrows(IllegalStateException.class, () -> h.decode(body, body.length, RemoteWriteRules.DEFAULT,
                RemoteWriteRules.Limits.SPOOL_RANGE, n -> {
                    if (n > 1 << 20) throw refused;
                })));
        assertEquals(200_000, h.decode(body, body.length).sampleCount(), "the next request is charged to no one");
    }
}
