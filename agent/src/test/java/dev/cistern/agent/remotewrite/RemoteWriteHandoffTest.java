package dev.cistern.agent.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
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
    void anInvalidRequestIsA400WithItsReason() {
        byte[] noName = RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                .addLabels(WriteRequestValidatorTest.label("job", "x"))
                .addSamples(WriteRequestValidatorTest.sample(1, 2))).build().toByteArray();
        RemoteWriteHandoff h = new RemoteWriteHandoff(2, TWO_LANES, WriteRequestReaderTest::make, 1 << 20, 1 << 20);
        InvalidWriteRequestException e = assertThrows(InvalidWriteRequestException.class, () -> h.decode(noName, noName.length));
        assertFalse(e.tooLarge(), "a 400, not a 413");
        assertEquals("invalid_labels", e.reason());
    }
}
