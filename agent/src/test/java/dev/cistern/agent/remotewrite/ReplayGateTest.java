package dev.cistern.agent.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** Two applier lanes never decode big journaled bodies at the same time; small ones go side by side. */
class ReplayGateTest {
    private final ReplayGate gate = new ReplayGate();

    @Test
    void aSecondBigDecodeWaitsForTheFirstRowsToBeWritten() throws Exception {
        byte[] body = RemoteWriteHandoffTest.dense(200_000);
        try (ReplayGate.Pass first = gate.pass()) {
            WriteRequestReader reader = new WriteRequestReader(new SeriesCache(1 << 20), WriteRequestReaderTest::make);
            reader.read(Snappy.compress(body), first);
            assertTrue(first.holds(), "a big decode holds the gate");
            CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> {
                try (ReplayGate.Pass second = gate.pass()) {
                    WriteRequestReader r = new WriteRequestReader(new SeriesCache(1 << 20), WriteRequestReaderTest::make);
                    r.read(Snappy.compress(body), second);
                    return r.decoded().sampleCount();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            Thread.sleep(200);
            assertFalse(other.isDone(), "the other lane decoded a big body while the first held its rows");
            first.close();
            assertEquals(200_000, other.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void smallDecodesDoNotTakeTheGate() throws Exception {
        byte[] body = Snappy.compress(RemoteWriteHandoffTest.dense(1000));
        try (ReplayGate.Pass first = gate.pass()) {
            new WriteRequestReader(new SeriesCache(1 << 20), WriteRequestReaderTest::make).read(body, first);
            assertFalse(first.holds());
            CompletableFuture.runAsync(() -> {
                try (ReplayGate.Pass p = gate.pass()) {
                    new WriteRequestReader(new SeriesCache(1 << 20), WriteRequestReaderTest::make).read(body, p);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).get(10, TimeUnit.SECONDS);
        }
    }
}
