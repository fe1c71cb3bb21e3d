package dev.cistern.cli.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cistern.agent.RemoteWriteClient;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.testkit.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The end-to-end check the distribution tests share: start `cistern run` from a command line, send one
 * remote_write, wait for the sealed file, read it back with the brotli CLI, SIGTERM, exit 0.
 */
final class DistRun {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

    private DistRun() {}

    /** The archive the build made for this name ("linux-x86_64", "linux-x86_64-jlink"). */
    static Path archive(String platform) {
        Path p = Path.of(System.getProperty("cistern.dist.dir", "target"))
                .resolve("cistern-" + System.getProperty("cistern.version") + "-" + platform + ".tar.gz");
        assertTrue(Files.isRegularFile(p), "the build should have made " + p + " (mvn verify -Pdist)");
        return p;
    }

    /** Unpacks with the system's tar (keeps modes, as a user would) into an empty folder; returns the cistern-VERSION dir. */
    static Path unpack(Path archive, Path into) throws Exception {
        Files.createDirectories(into);
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString()).inheritIO().start();
        assertEquals(0, tar.waitFor(), "tar -xzf " + archive);
        return into.resolve("cistern-" + System.getProperty("cistern.version"));
    }

    /** A config: sealed files stay in sealed/ (no upload) and seal within seconds. */
    static Path config(Path dir) throws IOException {
        return Files.writeString(dir.resolve("e2e.yaml"), "spool:\n  rotate_age: 2s\nupload:\n  to: \"\"\n");
    }

    /** Runs the whole check with {@code command} (which ends with `run --config ... --data ... --listen 127.0.0.1:0`). */
    static void endToEnd(List<String> command, Map<String, String> env, Path data, Path log, Duration startTimeout) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            int port = awaitPort(p, log, startTimeout);
            RemoteWriteClient client = new RemoteWriteClient("127.0.0.1", port);
            RemoteWrite.WriteRequest req = RemoteWrite.WriteRequest.newBuilder()
                    .addTimeseries(RemoteWriteClient.series("cistern_dist_check", "arch", "e2e").toBuilder()
                            .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(System.currentTimeMillis()).setValue(42.5)))
                    .build();
            assertEquals(204, client.write(req).statusCode(), "remote_write; log: " + log);
            // the jar's epoll native (x86_64 and aarch64) loads from the archive: the HTTP front is not on the NIO fallback
            String metrics = client.get("/metrics").body();
            assertTrue(metrics.contains("cistern_http_transport_info{transport=\"epoll\"} 1"), metrics);
            Path sealed = data.resolve("sealed");
            TestFiles.awaitFiles(sealed, 1, startTimeout, p, log);
            List<String> files = TestFiles.files(sealed);
            Path file = sealed.resolve(files.get(0));
            String rows = brotliDecode(file);
            assertTrue(rows.contains("\"cistern_dist_check\"") && rows.contains("42.5") && rows.contains("\"arch\":\"e2e\""), rows);
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(startTimeout.toSeconds(), TimeUnit.SECONDS), "no exit after SIGTERM; log: " + Files.readString(log));
            assertEquals(0, p.exitValue(), Files.readString(log));
        } finally {
            p.destroyForcibly();
        }
    }

    private static int awaitPort(Process p, Path log, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) return Integer.parseInt(m.group(1));
            if (!p.isAlive()) fail("the agent exited (" + p.exitValue() + ") before listening: " + Files.readString(log));
            Thread.sleep(100);
        }
        return fail("not listening after " + timeout + ": " + Files.readString(log));
    }

    /** `brotli -d -c FILE`: the sealed file is a plain Brotli stream anyone can read. */
    static String brotliDecode(Path file) throws Exception {
        Process b = new ProcessBuilder("brotli", "-d", "-c", file.toString()).start();
        String out = new String(b.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, b.waitFor(), "brotli -d " + file);
        return out;
    }

    static List<String> runArgs(Path config, Path data) {
        return new ArrayList<>(List.of("run", "--config", config.toString(), "--data", data.toString(), "--listen", "127.0.0.1:0"));
    }
}
