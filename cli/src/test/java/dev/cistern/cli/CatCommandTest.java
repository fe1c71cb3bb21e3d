package dev.cistern.cli;

import static dev.cistern.cli.UploadCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.cli.UploadCommandsTest.Run;
import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.spool.StreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cat prints rows byte for byte, filters on bytes, and reads --from/--to from an NDJSON stream's own time field. */
class CatCommandTest {
    private static final long T0 = 1_763_773_200_000L; // 2025-11-22T01:00:00Z

    @TempDir Path spool;

    /** 100 log rows a minute apart, their time in @timestamp (RFC 3339); each file holds 20 minutes. */
    private List<String> writeLogs() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Spool s = Spool.open(SpoolConfig.builder(spool).shardsPerStream(1).quality(1).build())) {
            StreamWriter w = s.writer("app-logs");
            for (int i = 0; i < 100; i++) {
                long t = T0 + i * 60_000L;
                String row = "{\"@timestamp\":\"" + Instant.ofEpochMilli(t) + "\",\"level\":\"" + (i % 3 == 0 ? "ERROR" : "info")
                        + "\",\"msg\":\"caf\\u00e9 n\u00b0" + i + " \\\"quoted\\\"\",\"labels\":{\"pod\":\"p" + (i % 4) + "\"}}";
                byte[] b = row.getBytes(StandardCharsets.UTF_8);
                w.appendJson(b, 0, b.length, t); // stored under its event time, as the agent's event_time does
                rows.add(row);
                if (i % 20 == 19) w.seal();
            }
        }
        return rows;
    }

    @Test
    void printsRowsByteForByteAndFiltersThemOnBytes() throws Exception {
        List<String> rows = writeLogs();
        Run all = run("cat", spool.toString());
        assertEquals(0, all.code(), all.err());
        assertEquals(String.join("\n", rows) + "\n", all.out(), "escapes and unicode as written");
        Run errors = run("cat", spool.toString(), "--grep", "error");
        assertEquals(34, errors.out().lines().count(), errors.err());
        Run pod = run("cat", spool.toString(), "--label", "pod=p1", "--grep", "CAF");
        assertEquals(25, pod.out().lines().count());
        assertTrue(pod.out().lines().allMatch(l -> l.contains("\"pod\":\"p1\"")), pod.out());
    }

    @Test
    void fromAndToReadTheStreamsOwnTimeField() throws Exception {
        writeLogs();
        String from = Instant.ofEpochMilli(T0 + 30 * 60_000L).toString();
        String to = Instant.ofEpochMilli(T0 + 45 * 60_000L).toString();
        Run byTs = run("cat", spool.toString(), "--from", from, "--to", to);
        // without a ts, a row is placed only by its file, and both files here lie partly outside the range
        assertEquals(0, byTs.out().lines().count(), byTs.err());
        Run byTimestamp = run("cat", spool.toString(), "--from", from, "--to", to, "--time-field", "@timestamp", "--time-format", "rfc3339");
        assertEquals(15, byTimestamp.out().lines().count(), byTimestamp.err());
        assertTrue(byTimestamp.out().startsWith("{\"@timestamp\":\"" + from + "\""), byTimestamp.out());
        Run bad = run("cat", spool.toString(), "--time-format", "iso");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("use one of epoch_ms, epoch_s, epoch_us, epoch_ns, rfc3339, auto"), bad.err());
    }
}
