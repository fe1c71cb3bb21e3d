package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.spool.Row;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segment that fails to seal while no request is coming in (the rotation timer seals it) is
 * noticed by the idle sealer lanes: they drop open segments and replay the journal, so the rows
 * are sealed once the disk is usable again, and shutdown is clean.
 */
class SealFailureRecoveryTest {
    @TempDir Path data;

    @Test
    void aTimerSealThatFailsIsReplayedOnceTheDiskIsBack() throws Exception {
        String body = "{\"ts\":1763773200000,\"msg\":\"a\"}\n{\"ts\":1763773201000,\"msg\":\"b\"}\n";
        try (Agent agent = TestAgents.start(data, "CISTERN_SPOOL__ROTATE_AGE", "1s", "CISTERN_UPLOAD__TO", "")) {
            // a plain file where the stream's partition directories must go: every seal of the stream fails
            Path blocker = data.resolve("sealed").resolve("events");
            Files.createDirectories(blocker.getParent());
            Files.write(blocker, new byte[] {1});

            RemoteWriteClient c = TestAgents.client(agent);
            assertEquals(204, c.post("/api/v1/ingest?stream=events", body.getBytes(StandardCharsets.UTF_8), "application/x-ndjson", null).statusCode());
            await(() -> sealerFailures(agent) > 0, "the idle lanes never noticed the failed seal");

            Files.delete(blocker);
            await(() -> rows().size() == 2, "the rows were not sealed after the disk came back");
        } // close seals and must not throw
        assertEquals(List.of("{\"ts\":1763773200000,\"msg\":\"a\"}", "{\"ts\":1763773201000,\"msg\":\"b\"}"), rows());
    }

    private static double sealerFailures(Agent agent) {
        return agent.metrics().scrape().lines().filter(l -> l.startsWith("cistern_sealer_failures_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private List<String> rows() {
        List<String> rows = new ArrayList<>();
        try {
            Scanner.of(data).scan(ScanQuery.builder().stream("events").build(), (Row r) -> rows.add(r.json()));
        } catch (java.io.IOException | RuntimeException e) {
            return List.of(); // the blocker file is not a partition directory
        }
        return rows;
    }

    private static void await(BooleanSupplier condition, String failure) throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < until, failure);
            Thread.sleep(50);
        }
    }
}
