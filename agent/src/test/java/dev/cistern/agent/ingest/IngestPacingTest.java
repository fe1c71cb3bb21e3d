package dev.cistern.agent.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IngestPacingTest {
    private static final long MARK = 1_000;
    private final AtomicLong lag = new AtomicLong();
    private final List<Long> waits = new CopyOnWriteArrayList<>();

    private IngestPacing pacing(long maxWaitMillis) {
        return new IngestPacing(lag::get, TimeUnit.MILLISECONDS.toNanos(maxWaitMillis), waits::add);
    }

    @Test
    void atOrBelowTheMarkARequestGoesOnAtOnce() {
        lag.set(MARK);
        assertEquals(0, pacing(5_000).awaitRoom(MARK));
        assertTrue(waits.isEmpty(), "nothing counted");
    }

    @Test
    void aboveTheMarkARequestWaitsUntilTheLanesCatchUp() throws Exception {
        lag.set(MARK + 1);
        Thread lanes = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            lag.set(MARK / 2);
        });
        lanes.start();
        long waited = pacing(10_000).awaitRoom(MARK);
        lanes.join();
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(150), "waited for the lanes: " + waited);
        assertTrue(waited < TimeUnit.SECONDS.toNanos(5), "went on once below the mark: " + waited);
        assertEquals(List.of(waited), waits, "one wait counted");
    }

    @Test
    void aRequestWaitsNoLongerThanTheLimitThoughTheLagStaysHigh() {
        lag.set(MARK * 10);
        long waited = pacing(300).awaitRoom(MARK);
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(300), "waited the limit: " + waited);
        assertTrue(waited < TimeUnit.SECONDS.toNanos(3), "and no more: " + waited);
        assertEquals(1, waits.size());
    }

    @Test
    void anInterruptedRequestStopsWaiting() {
        lag.set(MARK * 10);
        Thread.currentThread().interrupt();
        try {
            long waited = pacing(10_000).awaitRoom(MARK);
            assertTrue(waited < TimeUnit.SECONDS.toNanos(2), "a shutdown is not held up: " + waited);
        } finally {
            Thread.interrupted();
        }
    }
}
