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
 * An {@link Error} inside a reload (injected after the routing switched, before the other live keys): the reload is
 * refused, logged and counted, the agent goes on acknowledging, a later reload is taken, and every acknowledged sample
 * is sealed exactly once.
 */
class ReloadFaultTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @Test
    void anErrorInAReloadIsRefusedAndNothingIsLost() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = Files.writeString(dir.resolve("agent.yaml"), Faults.CONFIG);
        NumberedSamples samples = new NumberedSamples(false);
        try (AgentProcess agent = AgentProcess.start(data, config, log, Map.of(), List.of(Faults.FAULT + "reload-error-once"))) {
            samples.to(agent.awaitPort());
            assertEquals(204, samples.send(100));

            Files.writeString(config, Faults.CONFIG + "routing:\n  default_stream: moved\n");
            hangUp(agent);
            awaitReloads(samples, "failure", agent);
            assertTrue(agent.log().contains("config reload (SIGHUP) failed with an error; the running config stays"), agent.log());
            assertTrue(agent.log().contains("config reload (SIGHUP): refused"), agent.log());
            assertEquals(204, samples.send(100), "still acknowledging after the failed reload");
            assertEquals(200, samples.client().get("/healthz").statusCode());

            hangUp(agent);
            awaitReloads(samples, "success", agent);
            assertEquals(204, samples.send(100), "and after the next one, taken");
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        Faults.assertSealedExactlyOnce(data, samples, log);
    }

    private static void hangUp(AgentProcess agent) throws Exception {
        agent.assumeHangupDelivered();
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(agent.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -HUP " + agent.pid());
    }

    /** Waits (the reload runs off the signal thread) until one reload with {@code result} is counted. */
    private static void awaitReloads(NumberedSamples s, String result, AgentProcess agent) throws Exception {
        String labels = "result=\"" + result + "\"";
        for (int i = 0; i < 300 && Faults.metric(s.client(), "cistern_config_reloads_total", labels) < 1; i++) Thread.sleep(100);
        assertEquals(1, Faults.metric(s.client(), "cistern_config_reloads_total", labels),
                Faults.metricLines(s.client(), "cistern_config") + "; log:\n" + agent.log());
    }
}
