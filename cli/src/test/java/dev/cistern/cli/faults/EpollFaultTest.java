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
 * The HTTP front's epoll native library not loading (here: Netty told not to load natives, as on a platform it does
 * not ship for): with {@code server.transport: auto} the agent serves on NIO, says so in its log and metrics, and
 * loses nothing; with {@code epoll} asked for, it refuses to start and names the key.
 */
class EpollFaultTest {
    private static final String NO_NATIVE = "-Dio.netty.transport.noNative=true";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @Test
    void autoServesOnNioWhenEpollDoesNotLoad() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = Files.writeString(dir.resolve("agent.yaml"), Faults.CONFIG);
        NumberedSamples samples = new NumberedSamples(false);
        try (AgentProcess agent = AgentProcess.start(data, config, log, Map.of(), List.of(NO_NATIVE))) {
            samples.to(agent.awaitPort());
            for (int i = 0; i < 5; i++) assertEquals(204, samples.send(500), samples.answers().toString());
            assertEquals(1, Faults.metric(samples.client(), "cistern_http_transport_info", "transport=\"nio\""),
                    Faults.metricLines(samples.client(), "cistern_http_transport"));
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        assertTrue(Files.readString(log).contains("HTTP front on NIO: epoll does not load here"), Files.readString(log));
        Faults.assertSealedExactlyOnce(data, samples, log);
    }

    @Test
    void epollAskedForWhereItDoesNotLoadRefusesToStart() throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yaml"), "server:\n  transport: epoll\n");
        Path log = dir.resolve("agent.log");
        try (AgentProcess agent = AgentProcess.start(dir.resolve("data"), config, log, Map.of(), List.of(NO_NATIVE))) {
            String out = Faults.awaitRefusal(agent, log);
            assertTrue(out.contains("server.transport") && out.contains("epoll does not load here"), out);
        }
    }
}
