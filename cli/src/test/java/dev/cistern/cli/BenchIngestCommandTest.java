package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small real run of `cistern bench ingest`: every sample sent is sealed, and the result line says so. */
class BenchIngestCommandTest {
    @TempDir Path dir;

    @Test
    void sendsSealsAndReportsEverySample() throws Exception {
        Path corpus = dir.resolve("small.prom");
        Files.writeString(corpus, """
                # TYPE http_requests_total counter
                http_requests_total{code="200",path="/a"} 10
                http_requests_total{code="500",path="/a"} 1
                temperature_celsius{room="lab"} 21.5
                """);
        Path data = dir.resolve("data");
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.execute("bench", "ingest", "--corpus", corpus.toString(), "--samples", "10000", "--connections", "3",
                    "--samples-per-request", "700", "--warmup-samples", "1000", "--quality", "1", "--data", data.toString());
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        JsonNode r = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertEquals(10000, r.get("samples").asLong());
        assertEquals(15, r.get("requests").asInt(), "10000 samples, 700 to a request");
        assertEquals(0, r.get("retries").asLong());
        assertTrue(r.get("files").asLong() >= 1);
        assertTrue(r.get("ratio").asDouble() > 1, r.toString());
        assertTrue(r.get("p99_ms").asDouble() >= r.get("p50_ms").asDouble());
        assertTrue(r.get("samples_per_s_accepted").asDouble() >= r.get("samples_per_s_sealed").asDouble());
        try (Stream<Path> left = Files.list(data)) {
            assertEquals(0, left.count(), "the fresh data directory is removed after the run");
        }
    }

    @Test
    void sendsRemoteWrite2WithHistogramsAndReportsThem() throws Exception {
        Path corpus = dir.resolve("small.prom");
        Files.writeString(corpus, """
                http_requests_total{code="200",path="/a"} 10
                http_requests_total{code="500",path="/a"} 1
                temperature_celsius{room="lab"} 21.5
                queue_depth{queue="q1"} 3
                """);
        JsonNode half = run(corpus, "v2", "0.5");
        assertEquals("v2", half.get("protocol").asText());
        assertEquals(3000, half.get("samples").asLong(), "every row sealed: the command checks the count itself");
        assertEquals(1500, half.get("histogram_samples").asLong(), "half the series, so half the rows");
        assertTrue(half.get("sealed_bytes_per_histogram_sample").isNull(), "mixed segments: no per-histogram figure");
        JsonNode all = run(corpus, "v1", "1");
        assertEquals("v1", all.get("protocol").asText());
        assertEquals(3000, all.get("histogram_samples").asLong());
        assertTrue(all.get("sealed_bytes_per_histogram_sample").asDouble() > 0, all.toString());
        assertTrue(all.get("histogram_rows_per_s").asDouble() > 0, all.toString());
    }

    private JsonNode run(Path corpus, String protocol, String share) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.execute("bench", "ingest", "--corpus", corpus.toString(), "--samples", "3000", "--connections", "2",
                    "--samples-per-request", "500", "--quality", "1", "--data", dir.resolve("data").toString(),
                    "--protocol", protocol, "--histogram-share", share);
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }
}
