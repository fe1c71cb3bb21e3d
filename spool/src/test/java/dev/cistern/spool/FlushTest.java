package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlushTest {
    @TempDir Path dir;
    @TempDir Path copies;

    private final Series series = Series.of("http_requests_total", Labels.of("code", "200", "path", "/api/v1/write"));

    @Test
    void flushedTempFileDecodesToEveryRowAppendedSoFar() throws Exception {
        List<String> expected = new ArrayList<>();
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).build())) {
            StreamWriter w = spool.writer("metrics");
            int next = 0;
            // Small batches stay in the staging buffer; big ones have been compressed in part already.
            for (int batch : new int[] {1, 7, 1000, 5000, 3, 20_000, 1}) {
                for (int i = 0; i < batch; i++, next++) {
                    w.append(series, T0 + next, next * 0.5);
                    expected.add("{\"name\":\"http_requests_total\",\"ts\":" + (T0 + next) + ",\"value\":" + rowValue(next)
                            + ",\"labels\":{\"code\":\"200\",\"path\":\"/api/v1/write\"}}");
                }
                w.flush();
                assertEquals(expected, decodeCopiesOfTempFiles(), "after flushing " + expected.size() + " rows");
                assertTrue(Fixtures.sealedFiles(dir).isEmpty(), "flush must not seal");
            }
        }
        assertEquals(expected, Fixtures.allSealedLines(dir), "sealing after flushes keeps every row once");
    }

    @Test
    void flushCoversEveryShardWrittenByManyThreads() throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(3).build())) {
            StreamWriter w = spool.writer("metrics");
            Set<Long> expected = new HashSet<>();
            for (int round = 0; round < 3; round++) {
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    long base = T0 + round * 1_000_000L + t * 100_000L;
                    for (int i = 0; i < 3000; i++) expected.add(base + i);
                    threads.add(new Thread(() -> {
                        try {
                            for (int i = 0; i < 3000; i++) w.append(series, base + i, i);
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    }));
                }
                threads.forEach(Thread::start);
                for (Thread t : threads) t.join();
                spool.flush();
                assertTrue(Fixtures.activeFiles(dir).size() > 1, "expected rows in several shards");
                Set<Long> found = new HashSet<>();
                for (String line : decodeCopiesOfTempFiles()) {
                    assertTrue(found.add(Fixtures.parse(line).get("ts").asLong()), "duplicate " + line);
                }
                assertEquals(expected, found);
            }
        }
    }

    /** What a crash right now would leave: copy each temp file and read its decodable prefix. */
    private List<String> decodeCopiesOfTempFiles() throws Exception {
        List<String> lines = new ArrayList<>();
        for (Path temp : Fixtures.activeFiles(dir)) {
            Path copy = Files.copy(temp, copies.resolve(temp.getFileName() + "." + System.nanoTime()));
            String prefix = Fixtures.readablePrefix(copy);
            assertTrue(prefix.isEmpty() || prefix.endsWith("\n"), "a flushed temp file ends with a whole line: " + temp);
            lines.addAll(Fixtures.readablePrefixLines(copy));
        }
        return lines;
    }

    private static String rowValue(int i) {
        double v = i * 0.5;
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
