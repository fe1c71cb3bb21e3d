package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: on a platform whose Brotli native is missing, `cistern run` refuses to start (before it
 * listens) and says which platform and what to do. The real agent runs with a classpath that lacks
 * every brotli4j native jar, which is what an x86-only jar looks like to an arm64 JVM.
 */
class NativeCheckProcessTest {
    @TempDir Path dir;

    @Test
    void refusesToStartWithoutTheBrotliNative() throws Exception {
        String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.replace('\\', '/').contains("/brotli4j/native-"))
                .collect(Collectors.joining(File.pathSeparator));
        assertFalse(cp.equals(System.getProperty("java.class.path")), "the test classpath should hold brotli4j native jars");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Djava.io.tmpdir=" + dir, "-cp", cp, Main.class.getName(),
                "run", "--data", dir.resolve("data").toString(), "--listen", "127.0.0.1:0"));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        // a cache of its own: a copy unpacked by other tests' JVMs, from the jars left out here, would load
        b.environment().put("CISTERN_CACHE_DIR", dir.resolve("cache").toString());
        Process p = b.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the agent should exit by itself");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), out);
        assertFalse(out.contains("listening on"), "it must not listen: " + out);
        String platform = "os.arch=" + System.getProperty("os.arch");
        assertTrue(out.contains("Brotli native library does not load") && out.contains(platform)
                && out.contains("linux-aarch64") && out.contains("docs/operations.md"), out);
        assertFalse(Files.exists(dir.resolve("data").resolve("journal")), "nothing may be written before the check");
    }
}
