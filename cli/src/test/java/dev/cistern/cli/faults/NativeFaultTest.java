package dev.cistern.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.cli.AgentProcess;
import dev.cistern.cli.NumberedSamples;
import dev.cistern.testkit.Tmpfs;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, 1 and 7: a native library that cannot load. At startup (the real fault: java.io.tmpdir on a noexec
 * filesystem, where brotli4j and snappy unpack their natives, as on many hardened hosts) the agent refuses to start
 * and says why. Later (a lane meets an UnsatisfiedLinkError, injected) it stops acknowledging at once: 503, /healthz
 * 503 naming the error, the counter; a restart seals every acknowledged sample exactly once. zstd is checked at
 * startup only when a stream seals with it.
 */
class NativeFaultTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @Test
    void refusesToStartWhenTheNativesCannotLoadFromTmpdir() throws Exception {
        try (Tmpfs noexec = Tmpfs.mount(dir.resolve("tmp"), "16m", "NativeFaultTest", "noexec")) {
            Path log = dir.resolve("agent.log");
            Path data = dir.resolve("data");
            try (AgentProcess agent = AgentProcess.start(data, null, log, Map.of(),
                    List.of("-Djava.io.tmpdir=" + noexec.path()))) {
                String out = Faults.awaitRefusal(agent, log);
                assertTrue(out.contains("native library does not load") && out.contains("docs/operations.md"), out);
            }
        }
    }

    /** A stream that seals with zstd and a zstd native that does not load (here: a file that is no library). */
    @Test
    void refusesToStartWhenAZstdStreamsNativeCannotLoad() throws Exception {
        Path notALibrary = Files.writeString(dir.resolve("libzstd-jni.so"), "not an ELF file");
        Path config = Files.writeString(dir.resolve("agent.yaml"), "routing:\n  streams:\n    metrics:\n      codec: zstd\n");
        Path log = dir.resolve("agent.log");
        try (AgentProcess agent = AgentProcess.start(dir.resolve("data"), config, log, Map.of(),
                List.of("-DZstdNativePath=" + notALibrary))) {
            String out = Faults.awaitRefusal(agent, log);
            assertTrue(out.contains("zstd native library does not load"), out);
        }
    }

    @Test
    void aNativeErrorLaterStopsAcknowledgingAtOnce() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, Faults.CONFIG);
        NumberedSamples samples = new NumberedSamples(false);
        try (AgentProcess agent = AgentProcess.start(data, config, log, Map.of(), List.of(Faults.FAULT + "lane-link-error"))) {
            samples.to(agent.awaitPort());
            assertEquals(204, samples.send(100), "acknowledged: the lane has not met it yet");
            HttpResponse<String> health = samples.client().get("/healthz");
            for (int i = 0; i < 100 && health.statusCode() == 200; i++, Thread.sleep(100)) health = samples.client().get("/healthz");
            assertEquals(503, health.statusCode(), "see " + log);
            assertTrue(health.body().contains("UnsatisfiedLinkError"), health.body());
            for (int i = 0; i < 5; i++) assertEquals(503, samples.send(100), "refused from the moment it cannot seal");
            assertEquals(1, Faults.metric(samples.client(), "cistern_supervised_failures_total", "kind=\"fatal\",outcome=\"stopped\""),
                    Faults.metricLines(samples.client(), "cistern_supervised"));
            assertEquals(0, Faults.metric(samples.client(), "cistern_acknowledging", ""));
            agent.terminate();
        }
        assertEquals(1, Faults.lines(Files.readString(log), "not acknowledging (ingest 503").size(), "logged once");
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            samples.to(agent.awaitPort());
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        Faults.assertSealedExactlyOnce(data, samples, log);
    }
}
