package dev.cistern.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.cli.AgentProcess;
import dev.cistern.cli.NumberedSamples;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, 1 and 7: an applier lane (cistern-apply-lane-N) that throws an Error, or stalls, is supervised. Once: it is restarted
 * from the resume plan and every acknowledged sample is sealed exactly once. Every time: the agent stops acknowledging
 * (503 not_sealing), /healthz and /readyz say why, the counter moves; a restart without the fault seals what was acknowledged.
 */
class LaneFaultTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @Test
    void aLaneThatDiesOnceIsRestartedAndSealsEverySampleOnce() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, Faults.CONFIG);
        NumberedSamples samples = new NumberedSamples(false);
        try (AgentProcess agent = AgentProcess.start(data, config, log, Map.of(), List.of(Faults.FAULT + "lane-error-once"))) {
            samples.to(agent.awaitPort());
            for (int i = 0; i < 60; i++) assertEquals(204, samples.sendUntilAccepted(200, Duration.ofSeconds(30)), "request " + i);
            double restarted = 0;
            for (int i = 0; i < 100 && restarted == 0; i++, Thread.sleep(100)) {
                restarted = Faults.metric(samples.client(), "cistern_supervised_failures_total", "outcome=\"restarted\"");
            }
            assertEquals(1, restarted, "one restart counted: " + Faults.metricLines(samples.client(), "cistern_supervised"));
            assertEquals(200, samples.client().get("/healthz").statusCode(), "a restarted lane leaves the agent healthy");
            assertEquals(1, Faults.metric(samples.client(), "cistern_acknowledging", ""), "still acknowledging");
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        String out = Files.readString(log);
        assertTrue(out.contains("apply-lane-") && out.contains("lane-error-once"), "the failure is logged with its cause");
        Faults.assertSealedExactlyOnce(data, samples, log);
    }

    @Test
    void aLaneThatKeepsDyingStopsAcknowledgingAndARestartSealsWhatWasAcknowledged() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, Faults.CONFIG);
        NumberedSamples samples = new NumberedSamples(false);
        try (AgentProcess agent = AgentProcess.start(data, config, log, Map.of(), List.of(Faults.FAULT + "lane-error-always"))) {
            samples.to(agent.awaitPort());
            int status = 204;
            long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (status == 204 && System.nanoTime() < until) {
                status = samples.send(100);
                Thread.sleep(50);
            }
            assertEquals(503, status, "the agent must stop acknowledging: " + samples.answers() + "; see " + log);
            assertTrue(samples.answers().keySet().stream().anyMatch(a -> a.startsWith("503 not acknowledging")), samples.answers()
                    .toString());
            for (int i = 0; i < 5; i++) assertEquals(503, samples.send(100), "refused from then on");
            HttpResponse<String> health = samples.client().get("/healthz");
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(health.body().contains("apply-lane-") && health.body().contains("AssertionError"), health.body());
            assertEquals(503, samples.client().get("/readyz").statusCode());
            assertTrue(Faults.metric(samples.client(), "cistern_supervised_failures_total", "kind=\"unexpected\"") >= 5,
                    Faults.metricLines(samples.client(), "cistern_supervised"));
            assertEquals(0, Faults.metric(samples.client(), "cistern_acknowledging", ""));
            agent.terminate();
        }
        assertTrue(samples.acked().cardinality() > 0, "some samples were acknowledged before: " + samples.answers());
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            samples.to(agent.awaitPort());
            assertEquals(204, samples.send(100), "acknowledging again without the fault");
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        Faults.assertSealedExactlyOnce(data, samples, log);
    }
    /** The stall watch (issue 17, 1): a lane blocked for good inside a batch stops acknowledging within spool.stall_timeout. */
    @Test
    void aStalledLaneStopsAcknowledgingWithinTheStallTimeout() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, Faults.CONFIG.replace("spool:\n", "spool:\n  stall_timeout: 2s\n") + "shutdown:\n  drain_timeout: 2s\n");
        NumberedSamples samples = new NumberedSamples(false);
        try (AgentProcess agent = AgentProcess.start(data, config, log, Map.of(), List.of(Faults.FAULT + "lane-stall"))) {
            samples.to(agent.awaitPort());
            long start = System.nanoTime();
            int status = 204;
            while (status == 204 && System.nanoTime() - start < Duration.ofSeconds(60).toNanos()) {
                status = samples.send(100);
                Thread.sleep(100);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("LaneFaultTest: stalled lane refused after " + millis + " ms: " + samples.answers());
            assertEquals(503, status, "a stalled lane must stop acknowledging: " + samples.answers() + "; see " + log);
            assertTrue(millis < 20_000, "refused only after " + millis + " ms with a 2 s stall timeout");
            HttpResponse<String> health = samples.client().get("/healthz");
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(health.body().contains("apply-lane-") && health.body().contains("stalled"), health.body());
            assertTrue(Faults.metric(samples.client(), "cistern_supervised_failures_total", "") >= 1,
                    Faults.metricLines(samples.client(), "cistern_supervised"));
            assertEquals(0, Faults.metric(samples.client(), "cistern_acknowledging", ""));
            agent.terminate();
        }
        assertTrue(Files.readString(log).contains("is stalled"), "the stall is logged");
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            samples.to(agent.awaitPort());
            assertEquals(204, samples.send(100), "acknowledging again without the fault");
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        Faults.assertSealedExactlyOnce(data, samples, log);
    }
}
