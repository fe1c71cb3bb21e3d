package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code spool.lanes} changed between runs of the real agent: a data directory written with N lanes, killed with
 * entries not yet sealed, restarted with M lanes (killed again), then stopped cleanly: every acknowledged sample is
 * sealed exactly once, and the directory records M lanes; also when the ledger was deleted in between (the count is in
 * {@code journal-lanes} too).
 */
class LaneCountChangeTest {
    private static final String CONFIG = """
            spool:
              quality: 1
              rotate_rows: 3000
              rotate_age: 700ms
              lanes: %d
            upload:
              to: ""
            """;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @ParameterizedTest(name = "{0} lanes, then {1}, ledger deleted between: {2}")
    @CsvSource({"2, 3, false", "3, 1, false", "1, 2, false", "2, 3, true"})
    void everyAcknowledgedSampleIsSealedOnceAcrossALaneChange(int from, int to, boolean ledgerDeleted) throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        NumberedSamples samples = new NumberedSamples(false);
        Files.writeString(config, CONFIG.formatted(from));
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            samples.to(agent.awaitPort());
            for (int i = 0; i < 60; i++) assertEquals(204, samples.send(500), "request " + i + "; see " + log);
            agent.kill9(); // segments open, entries not yet applied: the next start replays them
        }
        assertEquals(from, recordedLanes(data), "the ledger records the lanes the directory was written with");
        assertEquals(from + "\n", Files.readString(data.resolve("journal-lanes")), "and so does journal-lanes");
        if (ledgerDeleted) Files.delete(data.resolve("journal-progress.json")); // rebuilt from the names: read with `from` lanes
        Files.writeString(config, CONFIG.formatted(to));
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            samples.to(agent.awaitPort());
            for (int i = 0; i < 30; i++) assertEquals(204, samples.send(500), "request " + i + " after the change; see " + log);
            agent.kill9();
        }
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            samples.to(agent.awaitPort());
            for (int i = 0; i < 10; i++) assertEquals(204, samples.send(500), "request " + i + " after the restart; see " + log);
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        assertEquals(to, recordedLanes(data), "the ledger records the new lane count");
        assertEquals(to + "\n", Files.readString(data.resolve("journal-lanes")));
        assertTrue(SpoolWatch.lines(log, "sealing the journal with " + from + " lanes first").size() >= 1,
                "the change drained the journal with the old count; see " + log);
        RestartReplayTest.printPlans(log);
        RestartReplayTest.assertExactlyOnce(new Delivered().dir(data.resolve("sealed")).read(), samples, log);
    }

    private static int recordedLanes(Path data) throws Exception {
        String ledger = Files.readString(data.resolve("journal-progress.json"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"lanes\"\\s*:\\s*(\\d+)").matcher(ledger);
        assertTrue(m.find(), "no lanes in " + ledger);
        return Integer.parseInt(m.group(1));
    }
}
