package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentAppendTest {
    private static final int THREADS = 8;
    private static final int ROWS_PER_THREAD = 50_000;
    private static final int SERIES_PER_THREAD = 16;

    @TempDir Path dir;

    @Test
    void manyThreadsAppendingLoseAndDuplicateNothing() throws Exception {
        // Small limits and a short age, so segments seal by rows, bytes and timer while threads append and flush.
        Rotation rotation = new Rotation(3_000, 256 << 10, Duration.ofMillis(50));
        AtomicLong rowsSealed = new AtomicLong();
        AtomicLong segmentsSealed = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(4).rotation(rotation).build())) {
            spool.onSealed(s -> {
                rowsSealed.addAndGet(s.name().rows());
                segmentsSealed.incrementAndGet();
            });
            StreamWriter w = spool.writer("metrics");
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads.add(new Thread(() -> {
                    Series[] series = new Series[SERIES_PER_THREAD];
                    for (int k = 0; k < SERIES_PER_THREAD; k++) {
                        series[k] = Series.of("requests_total", Labels.of("thread", "t" + thread, "s", "s" + k));
                    }
                    try {
                        start.await();
                        int j = 0;
                        while (j < ROWS_PER_THREAD) {
                            if (j % 1000 == 0) {
                                // Some rows go through a batch, which holds one shard for several rows.
                                int first = j;
                                int n = Math.min(10, ROWS_PER_THREAD - j);
                                w.batch(sink -> {
                                    for (int b = first; b < first + n; b++) sink.append(series[b % SERIES_PER_THREAD], T0 + b, b);
                                });
                                j += n;
                            } else {
                                w.append(series[j % SERIES_PER_THREAD], T0 + j, j);
                                j++;
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }, "appender-" + t));
            }
            AtomicBoolean done = new AtomicBoolean();
            Thread flusher = new Thread(() -> {
                try {
                    start.await();
                    while (!done.get()) {
                        w.flush();
                        Thread.sleep(5);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "flusher");
            threads.forEach(Thread::start);
            flusher.start();
            start.countDown();
            for (Thread t : threads) t.join();
            done.set(true);
            flusher.join();
            assertTrue(errors.isEmpty(), () -> "appending failed: " + errors);
            assertTrue(segmentsSealed.get() > 20, "expected many segments sealed mid-run, got " + segmentsSealed.get());
        }

        long expected = (long) THREADS * ROWS_PER_THREAD;
        assertEquals(expected, rowsSealed.get(), "rows counted by sealed names");
        BitSet[] seen = new BitSet[THREADS];
        for (int t = 0; t < THREADS; t++) seen[t] = new BitSet(ROWS_PER_THREAD);
        long lines = 0;
        List<Path> files = Fixtures.sealedFiles(dir);
        for (Path f : files) {
            Verifier.Result r = Verifier.verify(f);
            assertTrue(r.ok(), f + ": " + r.problem());
            for (String line : Fixtures.lines(f)) {
                lines++;
                JsonNode row = Fixtures.parse(line);
                int thread = Integer.parseInt(row.get("labels").get("thread").asText().substring(1));
                int j = (int) (row.get("ts").asLong() - T0);
                assertEquals(j, row.get("value").asInt(), line);
                assertEquals("s" + (j % SERIES_PER_THREAD), row.get("labels").get("s").asText(), line);
                if (seen[thread].get(j)) fail("duplicate row " + line);
                seen[thread].set(j);
            }
        }
        assertEquals(expected, lines);
        for (int t = 0; t < THREADS; t++) {
            assertEquals(ROWS_PER_THREAD, seen[t].cardinality(), "rows of thread " + t);
        }
        assertTrue(Fixtures.activeFiles(dir).isEmpty(), "temp files left after close");
    }
}
