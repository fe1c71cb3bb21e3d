package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.spool.DropReport;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool over {@code retention.max_total_bytes} finds its way back (issue 15): the journal shrinks
 * with no new appends, so under {@code block} ingest reopens once the backlog is shipped, across a
 * restart too; a limit the journal alone exceeds keeps unsent files and refuses; drops under
 * {@code drop_newest} are logged per drop with stream, time range and rows.
 */
class OverLimitTest {
    private static final long T0 = 1_763_773_200_000L;
    @TempDir Path dir;
    private final SplittableRandom random = new SplittableRandom(15);

    /** 1,000 samples, each its own series with a random 48-character label: poorly compressible, ~80 KB. */
    private RemoteWrite.WriteRequest randomRequest(long ts) {
        RemoteWrite.WriteRequest.Builder b = RemoteWrite.WriteRequest.newBuilder();
        for (int i = 0; i < 1000; i++) {
            StringBuilder id = new StringBuilder();
            for (int c = 0; c < 48; c++) id.append((char) ('a' + random.nextInt(26)));
            b.addTimeseries(RemoteWriteClient.series("m", "id", id.toString()).toBuilder()
                    .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(ts).setValue(i)));
        }
        return b.build();
    }

    private Agent start(Path data, Path dest, String overflow, String maxTotal) throws Exception {
        return TestAgents.start(data, "CISTERN_UPLOAD__TO", "file:" + dest, "CISTERN_SPOOL__QUALITY", "1",
                "CISTERN_SPOOL__ROTATE_AGE", "300ms", "CISTERN_RETENTION__MAX_TOTAL_BYTES", maxTotal,
                "CISTERN_RETENTION__OVERFLOW", overflow, "CISTERN_RETENTION__CHECK_INTERVAL", "1s",
                "CISTERN_RETENTION__MIN_FREE_BYTES", "1MiB");
    }

    /** Sends until the agent answers 503 spool_full; returns how many were accepted. */
    private int fillUntilRefused(RemoteWriteClient c, int max) throws Exception {
        for (int i = 0; i < max; i++) {
            HttpResponse<String> r = c.write(randomRequest(T0 + i));
            if (r.statusCode() == 503) {
                assertTrue(r.body().contains("spool is over") || r.body().contains("journal alone"), r.body()); // spool_full
                assertTrue(r.headers().firstValue("Retry-After").isPresent());
                return i;
            }
            assertEquals(204, r.statusCode(), r.body());
        }
        return fail("never refused after " + max + " requests");
    }

    /** Milliseconds until a request is accepted again. */
    private long untilAccepted(RemoteWriteClient c, long timeoutMillis) throws Exception {
        long start = System.currentTimeMillis();
        RemoteWrite.WriteRequest small = RemoteWrite.WriteRequest.newBuilder()
                .addTimeseries(RemoteWriteClient.series("up").toBuilder().addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(T0)))
                .build();
        while (System.currentTimeMillis() - start < timeoutMillis) {
            if (c.write(small).statusCode() == 204) return System.currentTimeMillis() - start;
            Thread.sleep(100);
        }
        return fail("ingest did not reopen within " + timeoutMillis + " ms");
    }

    @Test
    void underBlockIngestReopensOnceShippedAlsoAfterARestart() throws Exception {
        Path data = dir.resolve("data");
        Path dest = dir.resolve("dest");
        try (Agent a = start(data, dest, "block", "6MiB")) {
            assertTrue(fillUntilRefused(TestAgents.client(a), 400) > 0);
        } // stopped while over its limit: the journal holds everything, all of it sealed at close
        try (Agent a = start(data, dest, "block", "6MiB")) {
            RemoteWriteClient c = TestAgents.client(a);
            long reopened = untilAccepted(c, 8_000);
            System.out.println("after a restart, ingest reopened in " + reopened + " ms");
            fillUntilRefused(c, 400);
            reopened = untilAccepted(c, 8_000);
            System.out.println("without a restart, ingest reopened in " + reopened + " ms; journal "
                    + a.metrics().scrape().lines().filter(l -> l.startsWith("cistern_journal_disk_bytes")).toList());
        }
    }

    @Test
    void dropOldestKeepsUnsentFilesWhenTheJournalAloneIsOverTheLimit() throws Exception {
        Path data = dir.resolve("data");
        Path dest = dir.resolve("dest");
        Files.writeString(dest, "a file where the destination directory should be: every upload fails");
        try (Agent a = start(data, dest, "drop_oldest", "1MiB")) {
            RemoteWriteClient c = TestAgents.client(a);
            int accepted = fillUntilRefused(c, 400);
            Thread.sleep(3_000); // a few retention passes
            List<?> unsent = Scanner.of(data).segments(ScanQuery.all());
            assertTrue(!unsent.isEmpty(), "unsent files kept");
            long rows = Scanner.of(data).segments(ScanQuery.all()).stream().mapToLong(s -> s.name().rows()).sum();
            // a forced roll can bring the journal under the limit for a moment, and then dropping
            // unsent files is drop_oldest doing its job: every accepted row is kept or counted as dropped
            long dropped = (long) a.metrics().scrape().lines().filter(l -> l.startsWith("cistern_retention_dropped_rows_total"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertEquals(accepted * 1000L, rows + dropped, "every accepted row is in sealed/ or counted as dropped");
        }
    }

    @Test
    void dropNewestLogsEachDropWithStreamTimeRangeAndRows() throws Exception {
        Path data = dir.resolve("data");
        Path dest = dir.resolve("dest");
        Files.writeString(dest, "a file where the destination directory should be: every upload fails");
        List<String> lines = new ArrayList<>();
        Handler h = new Handler() {
            @Override public void publish(LogRecord r) {
                synchronized (lines) {
                    lines.add(r.getMessage());
                }
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Logger log = Logger.getLogger(DropReport.class.getName());
        log.addHandler(h);
        try (Agent a = start(data, dest, "drop_newest", "4MiB")) {
            RemoteWriteClient c = TestAgents.client(a);
            long deadline = System.currentTimeMillis() + 20_000;
            while (a.metrics().scrape().lines().noneMatch(l -> l.startsWith("cistern_unsent_drops_total{path=\"drop_newest\"")
                    && !l.endsWith(" 0.0"))) {
                assertTrue(System.currentTimeMillis() < deadline, "nothing dropped under drop_newest");
                HttpResponse<String> r = c.write(randomRequest(T0 + 60_000));
                assertTrue(r.statusCode() == 204 || r.statusCode() == 503, r.body());
            }
        } finally {
            log.removeHandler(h);
        }
        synchronized (lines) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("dropped 1000 incoming rows of stream metrics (overflow drop_newest), time "
                    + Instant.ofEpochMilli(T0 + 60_000))), String.valueOf(lines));
        }
    }
}
