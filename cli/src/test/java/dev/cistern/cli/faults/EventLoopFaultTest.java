package dev.cistern.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.cli.AgentProcess;
import dev.cistern.cli.NumberedSamples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, 1: an Error on an HTTP event loop while it reads a body (before any worker sees the request) is
 * answered (500, counted), not a silently closed connection; the next request is served and the agent stays healthy.
 */
class EventLoopFaultTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @Test
    void anErrorWhileReadingABodyIsAnsweredAndTheAgentGoesOn() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, Faults.CONFIG);
        NumberedSamples samples = new NumberedSamples(false);
        try (AgentProcess agent = AgentProcess.start(data, config, log, Map.of(), List.of(Faults.FAULT + "loop-error-once"))) {
            samples.to(agent.awaitPort());
            assertEquals(500, samples.send(100), "the request whose body hit the Error is answered: " + samples.answers());
            assertTrue(samples.answers().keySet().stream().anyMatch(a -> a.contains("internal error")), samples.answers().toString());
            for (int i = 0; i < 5; i++) assertEquals(204, samples.send(100), "served after it: " + samples.answers());
            assertEquals(200, samples.client().get("/healthz").statusCode());
            assertTrue(Faults.metric(samples.client(), "cistern_ingest_rejected_total", "reason=\"internal_error\"") >= 1,
                    Faults.metricLines(samples.client(), "cistern_ingest_rejected"));
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        assertTrue(Files.readString(log).contains("loop-error-once"), "the Error is logged with its cause");
        Faults.assertSealedExactlyOnce(data, samples, log);
    }
}
