package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.spool.Scanner;
import dev.cistern.spool.SegmentName;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, 5, through the real agent: rows whose {@code @timestamp} is an RFC 3339 string are sealed
 * in the partitions of that time, byte for byte as sent, also when the agent is killed before sealing
 * and replays them from its journal; {@code reject} refuses a request whole, {@code arrival} stores and counts.
 */
class NdjsonEventTimeProcessTest {
    private static final String CONFIG = """
            spool:
              quality: 1
              rotate_rows: %d
              rotate_age: 10m
            upload:
              to: ""
            ingest:
              ndjson:
                streams:
                  app-logs:
                    event_time: {field: "@timestamp", format: rfc3339, on_unparsable: reject}
                  lenient:
                    event_time: {field: "@timestamp", format: rfc3339}
            """;

    private static final String A = "{\"@timestamp\":\"2025-11-22T03:15:00.5+01:00\",\"level\":\"info\",\"msg\":\"caf\u00e9 \\\"q\\\"\"}";
    private static final String B = "{ \"msg\" : \"spaced\" , \"@timestamp\" : \"2025-11-22T02:59:59Z\" }";
    private static final String BAD = "{\"@timestamp\":1763776800000,\"msg\":\"a number, not RFC 3339\"}";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void rfc3339TimesNameThePartitionsAndRowsAreKeptAsSent() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, CONFIG.formatted(1)); // each request its own segment
        String a = A;
        String b = B;
        String c = "{\"@timestamp\":\"2025-12-31T23:30:00-01:00\",\"n\":[1,{\"@timestamp\":\"nested, not read\"}]}";
        String bad = BAD;
        long before = System.currentTimeMillis();
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            int port = agent.awaitPort();
            assertEquals(204, post(port, "app-logs", a + "\n" + b + "\n").statusCode());
            assertEquals(204, post(port, "app-logs", c + "\n").statusCode());
            HttpResponse<String> refused = post(port, "app-logs", c + "\n" + bad + "\n");
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("line 2: \"@timestamp\" is 1763776800000, not an RFC 3339 time"), refused.body());
            assertEquals(204, post(port, "lenient", bad + "\n").statusCode());
            assertEquals(204, post(port, "lenient", a + "\n").statusCode());
            String metrics = get(port, "/metrics");
            assertTrue(metrics.contains("cistern_ndjson_event_time_unparsable_total{policy=\"reject\",stream=\"app-logs\"} 1.0"), metrics);
            assertTrue(metrics.contains("cistern_ndjson_event_time_unparsable_total{policy=\"arrival\",stream=\"lenient\"} 1.0"), metrics);
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        long after = System.currentTimeMillis();
        Map<String, List<String>> logs = sealedRows(data, "app-logs");
        assertEquals(Map.of("dt=2025-11-22/hour=02", List.of(a + "\n" + b), "dt=2026-01-01/hour=00", List.of(c)), logs,
                "each request is one segment (rotate_rows 1), named by its earliest row; the refused one wrote nothing");
        Map<String, List<String>> lenient = sealedRows(data, "lenient");
        assertEquals(List.of(a), lenient.remove("dt=2025-11-22/hour=02"));
        assertEquals(1, lenient.size(), lenient.toString());
        String partition = lenient.keySet().iterator().next();
        assertTrue(partition.equals(SegmentName.partitionOf(before)) || partition.equals(SegmentName.partitionOf(after)),
                "the unparsable row took its arrival time, and the segment its partition: " + partition);
        assertEquals(List.of(bad), lenient.get(partition));
    }

    /** Rows acknowledged but not sealed when the agent is killed are replayed from the journal under the same times. */
    @Test
    void replayedRowsTakeTheirParsedTimeAgain() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, CONFIG.formatted(100_000)); // nothing sealed before the kill (rotate_age 10m)
        long before = System.currentTimeMillis();
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            int port = agent.awaitPort();
            assertEquals(204, post(port, "app-logs", A + "\n" + B + "\n").statusCode());
            assertEquals(204, post(port, "lenient", BAD + "\n").statusCode());
            agent.kill9();
        }
        assertEquals(Map.of(), sealedRows(data, "app-logs"), "sealed before the kill");
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            agent.awaitPort();
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        long after = System.currentTimeMillis();
        assertEquals(Map.of("dt=2025-11-22/hour=02", List.of(A + "\n" + B)), sealedRows(data, "app-logs"));
        Map<String, List<String>> lenient = sealedRows(data, "lenient");
        assertEquals(1, lenient.size(), lenient.toString());
        String partition = lenient.keySet().iterator().next();
        assertTrue(partition.equals(SegmentName.partitionOf(before)) || partition.equals(SegmentName.partitionOf(after)), partition);
        assertEquals(List.of(BAD), lenient.get(partition));
    }

    private HttpResponse<String> post(int port, String stream, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/ingest?stream=" + stream))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Per partition, each sealed file's rows (joined by newlines) in file name order, read back byte for byte. */
    private static Map<String, List<String>> sealedRows(Path data, String stream) throws Exception {
        Path root = data.resolve("sealed").resolve(stream);
        Map<String, List<String>> rows = new TreeMap<>();
        if (!Files.isDirectory(root)) return rows;
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.toString().endsWith(SegmentName.SUFFIX)).sorted().toList();
        }
        for (Path f : files) {
            String partition = root.relativize(f.getParent()).toString();
            List<String> lines = new ArrayList<>();
            Scanner.lines(f, (bytes, off, len) -> lines.add(new String(bytes, off, len, StandardCharsets.UTF_8)));
            rows.computeIfAbsent(partition, k -> new ArrayList<>()).add(String.join("\n", lines));
        }
        return rows;
    }
}
