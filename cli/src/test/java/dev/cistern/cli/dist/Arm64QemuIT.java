package dev.cistern.cli.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the real agent from the linux-aarch64 archive on an arm64 JVM (Debian's openjdk-17-jre-headless:arm64
 * under qemu-user-static, which .ci/run installs). Outside CI it skips, loudly, when those are missing; with
 * CI=true it fails instead.
 */
class Arm64QemuIT {
    static final Path QEMU = Path.of("/usr/bin/qemu-aarch64-static");
    static final Path ARM64_JAVA = Path.of("/usr/lib/jvm/java-17-openjdk-arm64/bin/java");
    static final List<String> FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true");

    @TempDir Path dir;

    @BeforeAll
    static void needsQemuAndAnArm64Jdk() {
        boolean present = Files.isExecutable(QEMU) && Files.isExecutable(ARM64_JAVA);
        if (present) return;
        String what = "qemu-user-static (" + QEMU + ") and openjdk-17-jre-headless:arm64 (" + ARM64_JAVA + ")";
        if ("true".equals(System.getenv("CI"))) fail("CI=true but " + what + " are missing: .ci/run installs them");
        System.err.println("*** SKIPPED Arm64QemuIT: " + what + " not installed; see .ci/run ***");
        Assumptions.abort("needs " + what);
    }

    private List<String> arm64Java(String... rest) {
        List<String> cmd = new ArrayList<>(List.of(QEMU.toString(), "-L", "/", ARM64_JAVA.toString()));
        cmd.addAll(FLAGS);
        cmd.addAll(List.of(rest));
        return cmd;
    }

    @Test
    void agentRunsEndToEndOnArm64() throws Exception {
        Path home = DistRun.unpack(DistRun.archive("linux-aarch64"), dir.resolve("box"));
        List<String> cmd = arm64Java("-Djava.io.tmpdir=" + dir, "-jar", home.resolve("lib/cistern.jar").toString());
        cmd.addAll(DistRun.runArgs(DistRun.config(dir), dir.resolve("data")));
        DistRun.endToEnd(cmd, Map.of(), dir.resolve("data"), dir.resolve("agent.log"), Duration.ofSeconds(300));
        assertTrue(Files.readString(dir.resolve("agent.log")).contains("listening on"));
    }

    @Test
    void refusesToStartOnArm64WithoutTheAarch64Native() throws Exception {
        Path home = DistRun.unpack(DistRun.archive("linux-aarch64"), dir.resolve("box"));
        // the jar as it was before issue 12: brotli4j's linux-aarch64 native removed
        Path jar = dir.resolve("x86-only.jar");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(home.resolve("lib/cistern.jar")));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().startsWith("lib/linux-aarch64/")) continue;
                out.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
        }
        List<String> cmd = arm64Java("-Djava.io.tmpdir=" + dir, "-jar", jar.toString());
        cmd.addAll(DistRun.runArgs(DistRun.config(dir), dir.resolve("data")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the agent should refuse and exit");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), out);
        assertFalse(out.contains("listening on"), out);
        assertTrue(out.contains("Brotli native library does not load on os.name=Linux os.arch=aarch64"), out);
    }
}
