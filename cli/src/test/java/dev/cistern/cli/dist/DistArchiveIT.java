package dev.cistern.cli.dist;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12: the archives run from an empty folder with nothing but a Java runtime (or, jlink, nothing at all). */
class DistArchiveIT {
    @TempDir Path dir;

    @Test
    void archiveRunsEndToEndWithJavaFromJavaHome() throws Exception {
        Path home = DistRun.unpack(DistRun.archive("linux-x86_64"), dir.resolve("box"));
        for (String f : List.of("bin/cistern", "lib/cistern.jar", "config/sidecar.yaml", "config/edge.yaml", "systemd/cistern.service")) {
            assertTrue(Files.exists(home.resolve(f)), f + " in the archive");
        }
        assertTrue(Files.isExecutable(home.resolve("bin/cistern")));
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/cistern").toString()));
        cmd.addAll(DistRun.runArgs(DistRun.config(dir), dir.resolve("data")));
        // no Maven, no java on PATH: JAVA_HOME only
        DistRun.endToEnd(cmd, Map.of("PATH", "/bin:/usr/bin/nonexistent", "JAVA_HOME", System.getProperty("java.home"),
                "JAVA_OPTS", "-Xmx128m"), dir.resolve("data"), dir.resolve("agent.log"), Duration.ofSeconds(120));
    }

    @Test
    void jlinkArchiveNeedsNoJavaInstalled() throws Exception {
        Path home = DistRun.unpack(DistRun.archive("linux-x86_64-jlink"), dir.resolve("box"));
        assertTrue(Files.isExecutable(home.resolve("runtime/bin/java")), "the archive's own runtime");
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/cistern").toString()));
        cmd.addAll(DistRun.runArgs(DistRun.config(dir), dir.resolve("data")));
        Map<String, String> env = new HashMap<>(Map.of("PATH", "/bin", "JAVA_OPTS", "-Xmx128m"));
        env.put("JAVA_HOME", dir.resolve("no-such-jdk").toString());
        DistRun.endToEnd(cmd, env, dir.resolve("data"), dir.resolve("agent.log"), Duration.ofSeconds(120));
    }
}
