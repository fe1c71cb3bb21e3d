package dev.cistern.cli.faults;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.RemoteWriteClient;
import dev.cistern.cli.AgentProcess;
import dev.cistern.cli.Delivered;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, 1, 2 and 7: the agent at -Xmx64m with config/edge.yaml, sent two concurrent ~3.9 MiB NDJSON requests at a
 * time. Either every request is answered (204, 4xx or 503) and everything acknowledged is sealed, or an
 * OutOfMemoryError ends the process (-XX:+ExitOnOutOfMemoryError, as every launcher passes it) and the next start
 * seals everything acknowledged. Never acknowledged and lost, never a live agent that no longer seals.
 */
class OomFaultTest {
    private static final int ROWS_PER_REQUEST = 34_000; // ~117 bytes a row: 3.9 MiB, under edge.yaml's 4 MiB body limit

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @Test
    void twoConcurrentLargeNdjsonRequestsAtXmx64mLoseNothingAcknowledged() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path edge = Path.of("..", "config", "edge.yaml").toAbsolutePath().normalize();
        Map<String, String> env = Map.of("CISTERN_UPLOAD__TO", "", "CISTERN_RETENTION__MIN_FREE_BYTES", "16MiB");
        BitSet acked = new BitSet();
        Map<String, Integer> answers = new TreeMap<>();
        int next = 0;
        Integer exit = null;
        try (AgentProcess agent = AgentProcess.start(data, edge, log, env, List.of("-Xmx64m"))) {
            RemoteWriteClient client = new RemoteWriteClient("127.0.0.1", agent.awaitPort());
            for (int round = 0; round < 6 && exit == null; round++) {
                int a = next;
                int b = next + ROWS_PER_REQUEST;
                next += 2 * ROWS_PER_REQUEST;
                CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> post(client, a));
                CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> post(client, b));
                for (int[] r : new int[][] {{first.get(), a}, {second.get(), b}}) {
                    answers.merge(Integer.toString(r[0]), 1, Integer::sum);
                    if (r[0] == 204) acked.set(r[1], r[1] + ROWS_PER_REQUEST);
                    assertTrue(r[0] == 204 || r[0] == -1 || (r[0] >= 400 && r[0] < 500) || r[0] == 503, "answered " + r[0]);
                }
                exit = agent.awaitExit(200, TimeUnit.MILLISECONDS);
            }
            if (exit == null) {
                assertEquals(200, client.get("/healthz").statusCode(), "a live agent must still seal: see " + log);
                assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
            } else {
                assertEquals(3, exit, "an OutOfMemoryError ends the process (ExitOnOutOfMemoryError exits 3); see " + log);
            }
        }
        System.out.println("OomFaultTest: answers " + answers + ", process " + (exit == null ? "lived" : "exited " + exit));
        assertTrue(acked.cardinality() > 0, "nothing was acknowledged: " + answers);
        try (AgentProcess agent = AgentProcess.start(data, edge, log, env)) { // a restart (the supervisor's), normal heap
            agent.awaitPort();
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        Delivered d = new Delivered().dir(data.resolve("sealed")).read();
        Faults.assertExactlyOnce(d, acked, next, log);
    }

    /** One NDJSON request of rows numbered from {@code first}; its status, or -1 when the connection failed. */
    private static int post(RemoteWriteClient client, int first) {
        StringBuilder body = new StringBuilder(ROWS_PER_REQUEST * 100);
        for (int i = first; i < first + ROWS_PER_REQUEST; i++) {
            body.append("{\"name\":\"oom_test\",\"ts\":").append(T0 + i).append(",\"value\":").append(i)
                    .append(",\"labels\":{\"job\":\"edge\",\"pad\":\"abcdefghijklmnopqrstuvwxyz0123\"}}\n");
        }
        try {
            HttpResponse<String> r = client.post("/api/v1/ingest?stream=metrics", body.toString().getBytes(StandardCharsets.UTF_8),
                    "application/x-ndjson", null);
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
