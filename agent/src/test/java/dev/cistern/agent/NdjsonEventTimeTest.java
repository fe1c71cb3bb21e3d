package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.config.ConfigLoader;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SegmentName;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16, 5: a stream's event time from another field and format names its partitions; rows are stored as sent. */
class NdjsonEventTimeTest {
    private static final String CONFIG = """
            spool:
              rotate_rows: 1
            upload:
              to: ""
            ingest:
              ndjson:
                streams:
                  app-logs:
                    event_time: {field: "@timestamp", format: rfc3339, on_unparsable: reject}
                  lenient:
                    event_time: {field: time, format: epoch_s}
            """;

    @TempDir Path dir;

    private Agent start() throws Exception {
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, CONFIG);
        return Agent.start(ConfigLoader.load(config, Map.of(), Map.of("data_dir", dir.resolve("data").toString(),
                "listen", "127.0.0.1:0")));
    }

    private static HttpResponse<String> post(RemoteWriteClient c, String stream, String body) throws Exception {
        return c.post("/api/v1/ingest?stream=" + stream, body.getBytes(StandardCharsets.UTF_8), "application/x-ndjson", null);
    }

    @Test
    void rfc3339TimesInAnotherFieldNameThePartitionsAndRowsStayAsSent() throws Exception {
        String early = "{\"@timestamp\":\"2025-11-22T02:10:00.250+01:00\",\"ts\":\"not mine\",\"msg\":\"h\u00e9llo\"}";
        String late = "{\"msg\":\"b\",\"ts\":99999999999999999999,\"@timestamp\":\"2025-11-22T02:59:59.999Z\"}"; // not its time
        String leap = "{\"@timestamp\":\"2024-02-29T23:00:00Z\", \"n\": [1, 2]}";
        String noField = "{\"msg\":\"no time: arrival\"}";
        long before;
        long after;
        try (Agent agent = start()) {
            RemoteWriteClient c = TestAgents.client(agent);
            assertTrue(agent.metrics().scrape().contains(
                    "cistern_ndjson_event_time_unparsable_total{policy=\"reject\",stream=\"app-logs\"} 0.0"), "registered at zero");
            assertEquals(204, post(c, "app-logs", early + "\n").statusCode());
            assertEquals(204, post(c, "app-logs", late + "\r\n").statusCode());
            assertEquals(204, post(c, "app-logs", leap).statusCode());
            before = System.currentTimeMillis();
            assertEquals(204, post(c, "app-logs", noField + "\n").statusCode());
            HttpResponse<String> refused = post(c, "app-logs", late + "\n{\"@timestamp\":\"yesterday\"}\n" + early + "\n");
            assertEquals(400, refused.statusCode());
            assertTrue(refused.body().contains("line 2: \"@timestamp\" is \"yesterday\", not an RFC 3339 time"), refused.body());
            assertEquals(1.0, unparsable(agent, "app-logs", "reject"));
            after = System.currentTimeMillis();
        }
        Map<String, List<String>> rows = sealedRows("app-logs");
        assertEquals(List.of(early), rows.remove("dt=2025-11-22/hour=01"));
        assertEquals(List.of(late), rows.remove("dt=2025-11-22/hour=02"));
        assertEquals(List.of(leap), rows.remove("dt=2024-02-29/hour=23"));
        assertArrival(rows, before, after, List.of(noField)); // and the refused request wrote nothing
    }

    @Test
    void unparsableTimesAreStoredUnderArrivalTimeAndCounted() throws Exception {
        String seconds = "{\"time\":1763776800.5,\"msg\":\"a\"}";
        String text = "{\"time\":\"1763776800\",\"msg\":\"b\"}";
        String bad = "{\"time\":\"2025-11-22T02:00:00Z\",\"msg\":\"c\"}";
        String object = "{\"time\":{\"s\":1},\"msg\":\"d\"}";
        long before = System.currentTimeMillis();
        long after;
        try (Agent agent = start()) {
            RemoteWriteClient c = TestAgents.client(agent);
            assertEquals(204, post(c, "lenient", seconds + "\n" + text + "\n").statusCode());
            assertEquals(204, post(c, "lenient", bad + "\n" + object + "\n").statusCode());
            assertEquals(2.0, unparsable(agent, "lenient", "arrival"));
            assertEquals(204, post(c, "other", "{\"ts\":\"2025-11-22T02:00:00Z\"}\n").statusCode());
            assertEquals(1.0, unparsable(agent, "other", "arrival"), "streams not configured: ts, epoch ms, arrival");
            after = System.currentTimeMillis();
        }
        Map<String, List<String>> rows = sealedRows("lenient");
        assertEquals(List.of(seconds + "\n" + text), List.of(String.join("\n", rows.remove("dt=2025-11-22/hour=02"))));
        assertArrival(rows, before, after, List.of(bad, object));
    }

    /** What is left is {@code expected}, in the partition of a time between {@code before} and {@code after} (an hour may turn). */
    private static void assertArrival(Map<String, List<String>> rows, long before, long after, List<String> expected) {
        assertEquals(1, rows.size(), rows.toString());
        String partition = rows.keySet().iterator().next();
        assertTrue(partition.equals(SegmentName.partitionOf(before)) || partition.equals(SegmentName.partitionOf(after)), partition);
        assertEquals(expected, rows.get(partition));
    }

    private static double unparsable(Agent agent, String stream, String policy) {
        var c = agent.metrics().registry().find("cistern.ndjson.event.time.unparsable").tag("stream", stream).tag("policy", policy)
                .counter();
        return c == null ? -1 : c.count();
    }

    /** Each partition's rows, file by file in name order, as stored. */
    private Map<String, List<String>> sealedRows(String stream) throws Exception {
        Path root = dir.resolve("data").resolve("sealed").resolve(stream);
        Map<String, List<String>> rows = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.toString().endsWith(SegmentName.SUFFIX)).sorted().toList();
        }
        for (Path f : files) {
            String partition = root.relativize(f.getParent()).toString();
            assertEquals(SegmentName.parse(f.getFileName().toString()).partition(), partition);
            List<String> lines = rows.computeIfAbsent(partition, k -> new ArrayList<>());
            Scanner.lines(f, (b, off, len) -> lines.add(new String(b, off, len, StandardCharsets.UTF_8)));
        }
        return rows;
    }
}
