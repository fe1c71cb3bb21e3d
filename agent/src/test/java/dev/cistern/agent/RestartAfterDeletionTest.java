package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.spool.Scanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clean restarts after sealed or uploaded files went away (an upload with {@code after: delete},
 * retention) or after a routing change: every acknowledged sample is shipped or kept exactly once.
 * Before the journal ledger, the restart resumed from the names left on disk and sealed rows again.
 */
class RestartAfterDeletionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1763773200000L;
    private static final int REQUESTS = 40;
    private static final int SAMPLES = 50;

    @TempDir Path data;
    @TempDir Path outbox;

    private String[] env(String... more) {
        String[] base = {"CISTERN_UPLOAD__TO", "file:" + outbox, "CISTERN_SPOOL__ROTATE_ROWS", "300",
                "CISTERN_UPLOAD__SCAN_INTERVAL", "200ms"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void uploadsWithAfterDeleteAreNotShippedAgainAfterARestart() throws Exception {
        try (Agent a = TestAgents.start(data, env("CISTERN_UPLOAD__AFTER", "delete"))) {
            send(a, 0, REQUESTS);
            awaitNothingWaiting();
        }
        for (int restart = 0; restart < 2; restart++) {
            try (Agent a = TestAgents.start(data, env("CISTERN_UPLOAD__AFTER", "delete"))) {
                awaitNothingWaiting();
            }
        }
        assertEachSampleOnce(count(outbox, data.resolve("sealed")), REQUESTS);
    }

    @Test
    void uploadedFilesRetentionDeletedAreNotSealedAgain() throws Exception {
        try (Agent a = TestAgents.start(data, env())) {
            send(a, 0, REQUESTS);
            awaitNothingWaiting();
        }
        try (Agent a = TestAgents.start(data, env("CISTERN_RETENTION__MAX_TOTAL_BYTES", "1"))) {
            assertEquals(0, count(data.resolve("uploaded")).size(), "retention deleted every uploaded file");
        }
        try (Agent a = TestAgents.start(data, env())) {
            awaitNothingWaiting();
        }
        assertEachSampleOnce(count(outbox, data.resolve("sealed")), REQUESTS);
    }

    @Test
    void unsentFilesDroppedByDropOldestAreNotSealedAgain() throws Exception {
        try (Agent a = TestAgents.start(data, env("CISTERN_UPLOAD__TO", ""))) {
            send(a, 0, REQUESTS);
        }
        // every unsent file goes, as drop_oldest deletes them (a limit this small no longer makes retention
        // drop unsent files: the journal alone is over it, so ingest is refused instead; OverLimitTest)
        try (Stream<Path> files = Files.walk(data.resolve("sealed"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) Files.delete(p);
        }
        assertEquals(0, count(data.resolve("sealed")).size(), "every sealed file deleted");
        try (Agent a = TestAgents.start(data, env("CISTERN_UPLOAD__TO", ""))) {
            send(a, REQUESTS, 5); // the lanes move on past the dropped entries
        }
        Map<String, Integer> seen = count(data.resolve("sealed"));
        assertEquals(5 * SAMPLES, seen.size(), "only the new requests are sealed: " + seen.size());
        seen.forEach((k, n) -> assertEquals(1, n, k));
    }

    @Test
    void aRoutingChangeBetweenCleanRestartsSealsNothingAgain() throws Exception {
        try (Agent a = TestAgents.start(data, env("CISTERN_UPLOAD__TO", ""))) {
            send(a, 0, REQUESTS);
        }
        try (Agent a = TestAgents.start(data, env("CISTERN_UPLOAD__TO", "", "CISTERN_ROUTING__DEFAULT_STREAM", "observability"))) {
            send(a, REQUESTS, 4);
        }
        Map<String, Integer> seen = count(data.resolve("sealed"));
        assertEachSampleOnce(seen, REQUESTS + 4);
        assertTrue(Files.isDirectory(data.resolve("sealed/observability")), "the new requests went to the new default stream");
    }

    private static void send(Agent a, int from, int requests) throws Exception {
        RemoteWriteClient client = TestAgents.client(a);
        for (int r = from; r < from + requests; r++) {
            RemoteWrite.TimeSeries.Builder ts = RemoteWriteClient.series("ledger_test", "req", Integer.toString(r)).toBuilder();
            for (int k = 0; k < SAMPLES; k++) ts.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(T0 + k).setValue(k));
            assertEquals(204, client.write(RemoteWrite.WriteRequest.newBuilder().addTimeseries(ts).build()).statusCode());
        }
    }

    private void awaitNothingWaiting() throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!segments(data.resolve("sealed")).isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError("sealed files still waiting for upload after 30 s");
            Thread.sleep(50);
        }
    }

    private static void assertEachSampleOnce(Map<String, Integer> seen, int requests) {
        Map<String, Integer> twice = new TreeMap<>();
        seen.forEach((k, n) -> {
            if (n != 1) twice.put(k, n);
        });
        assertTrue(twice.isEmpty(), twice.size() + " samples seen more than once, e.g. " + twice.entrySet().stream().limit(5).toList());
        assertEquals(requests * SAMPLES, seen.size(), "every acknowledged sample present");
    }

    private static List<Path> segments(Path root) throws IOException {
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json.br")).toList();
        }
    }

    /** How often each sample ("req|ts") appears in the segment files under these roots. */
    private static Map<String, Integer> count(Path... roots) throws IOException {
        Map<String, Integer> seen = new HashMap<>();
        for (Path root : roots) {
            for (Path f : segments(root)) {
                Scanner.lines(f, (b, off, len) -> {
                    JsonNode n = JSON.readTree(new String(b, off, len, StandardCharsets.UTF_8));
                    seen.merge(n.get("labels").get("req").asText() + "|" + n.get("ts").asLong(), 1, Integer::sum);
                });
            }
        }
        return seen;
    }
}
