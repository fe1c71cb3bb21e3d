package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clean restarts of the real agent replay nothing already sealed (issue 15): not after uploaded
 * files were deleted ({@code upload.after: delete}), not after the default stream was renamed.
 */
class RestartReplayTest {
    private static final String SPOOL = """
            spool:
              quality: 1
              rotate_rows: 5000
              rotate_age: 500ms
            """;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    /** Issue 15, 1: with after: delete, a restart found no sealed names, resumed at -1 and shipped everything again. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dir", "s3"})
    void afterDeleteThenRestartShipsEverySampleOnce(String kind) throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        try (TestDestination dest = TestDestination.of(kind, dir)) {
            Files.writeString(config, SPOOL + dest.uploadYaml("  after: delete\n  scan_interval: 300ms\n"));
            NumberedSamples samples = new NumberedSamples(false);
            try (AgentProcess agent = AgentProcess.start(data, config, log, dest.env())) {
                samples.to(agent.awaitPort());
                for (int i = 0; i < 100; i++) assertEquals(204, samples.send(500), "request " + i + "; see " + log);
                assertTrue(SpoolWatch.awaitShipped(data, Duration.ofSeconds(60)), "uploads did not drain; see " + log);
                assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
            }
            assertEquals(0, new Delivered().dir(data.resolve("sealed")).dir(data.resolve("uploaded")).files(),
                    "after: delete leaves no segment file in the spool");
            try (AgentProcess agent = AgentProcess.start(data, config, log, dest.env())) {
                agent.awaitPort();
                Thread.sleep(1000); // a replay, if any, is under way: rotate_age 500ms
                assertTrue(SpoolWatch.awaitShipped(data, Duration.ofSeconds(60)), "uploads did not drain; see " + log);
                assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
            }
            printPlans(log);
            Delivered d = new Delivered().dir(data.resolve("sealed")).dir(data.resolve("uploaded"));
            dest.collect(d);
            d.read();
            assertExactlyOnce(d, samples, log);
        }
    }

    /** Issue 15, 1: renaming the default stream between clean restarts sealed the last entry of each lane again. */
    @Test
    void defaultStreamRenamedBetweenCleanRestartsSealsNothingTwice() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        NumberedSamples samples = new NumberedSamples(false);
        Files.writeString(config, SPOOL + "upload:\n  to: \"\"\nrouting:\n  default_stream: metrics\n");
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            samples.to(agent.awaitPort());
            for (int i = 0; i < 100; i++) assertEquals(204, samples.send(500), "request " + i + "; see " + log);
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        int before = samples.sent();
        Files.writeString(config, SPOOL + "upload:\n  to: \"\"\nrouting:\n  default_stream: observability\n");
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            samples.to(agent.awaitPort());
            Thread.sleep(1000);
            for (int i = 0; i < 5; i++) assertEquals(204, samples.send(500), "request " + i + "; see " + log);
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        printPlans(log);
        Delivered d = new Delivered().dir(data.resolve("sealed")).read();
        assertExactlyOnce(d, samples, log);
        assertEquals(Map.of("metrics", (long) before, "observability", (long) samples.sent() - before), d.rowsByStream(),
                "rows by stream: the old stream keeps what it had, the new one gets only what came after the change");
    }

    static void assertExactlyOnce(Delivered d, NumberedSamples samples, Path log) {
        assertEquals(0, d.duplicateCount(), "samples sealed twice: " + d.describe() + "; see " + log);
        assertEquals(0, d.missing(samples.acked()).cardinality(), "acknowledged samples missing (of "
                + samples.acked().cardinality() + "): " + d.describe() + "; see " + log);
        assertEquals(0, d.neverSent(samples.sent()), "rows never sent: " + d.describe());
    }

    /** The resume plans the agent logged, for whoever reads the test output. */
    static void printPlans(Path log) throws Exception {
        for (String l : SpoolWatch.lines(log, "resume at")) System.out.println("agent: " + l.strip());
    }
}
