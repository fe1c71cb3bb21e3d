package dev.cistern.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.cli.AgentProcess;
import dev.cistern.cli.NumberedSamples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, 6 and 7: SIGTERM while an applier lane is blocked for good inside an entry (a hung disk, a stuck sealer).
 * The old stop waited for the lanes (60 s + 10 s), then sealed under the blocked lane's shard lock, and never ended.
 * Now it exits within shutdown.drain_timeout, says how much of the journal was left, and the next start seals it all
 * exactly once.
 */
class ShutdownFaultTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @Test
    void sigtermWithABlockedLaneExitsWithinTheDrainDeadlineAndTheNextStartSealsTheRest() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, Faults.CONFIG + "shutdown:\n  drain_timeout: 3s\n");
        NumberedSamples samples = new NumberedSamples(false);
        try (AgentProcess agent = AgentProcess.start(data, config, log, Map.of(), List.of(Faults.FAULT + "lane-stall"))) {
            samples.to(agent.awaitPort());
            for (int i = 0; i < 40; i++) assertEquals(204, samples.send(100), "request " + i);
            long start = System.nanoTime();
            agent.sigterm();
            Integer code = agent.awaitExit(60, TimeUnit.SECONDS);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertNotNull(code, "the agent did not exit within 60 s of SIGTERM; see " + log);
            System.out.println("ShutdownFaultTest: exited " + code + " in " + tookMillis + " ms after SIGTERM");
            assertTrue(tookMillis < 3_000 + 4_000, "exit " + tookMillis + " ms after SIGTERM with a 3 s drain deadline; see " + log);
            assertEquals(0, code, "a stop at the deadline is a clean stop; see " + log);
        }
        String out = Files.readString(log);
        List<String> left = Faults.lines(out, "stay in the journal and are sealed at the next start");
        assertEquals(1, left.size(), "the log says how much was left: " + out);
        assertTrue(left.get(0).contains("journal lag") && !left.get(0).contains("lag 0 entries"), left.get(0));
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            samples.to(agent.awaitPort());
            assertEquals(204, samples.send(100));
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        Faults.assertSealedExactlyOnce(data, samples, log);
    }
}
