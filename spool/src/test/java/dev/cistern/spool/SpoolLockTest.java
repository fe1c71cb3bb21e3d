package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One spool directory, one owner: a second open fails with a message that names the directory. */
class SpoolLockTest {
    @TempDir Path dir;

    @Test
    void secondOpenInTheSameProcessFailsClearly() throws Exception {
        try (Spool first = Spool.open(Fixtures.config(dir).build())) {
            IOException e = assertThrows(IOException.class, () -> Spool.open(Fixtures.config(dir).build()));
            assertTrue(e.getMessage().contains("in use by another Spool in this process")
                    && e.getMessage().contains(dir.getFileName().toString()), e.getMessage());
            first.writer("metrics").append(Series.of("up", Labels.EMPTY), T0, 1); // the first is unharmed
            // and still holds the directory against other processes: the failed open must not have dropped the lock
            Process child = startChild(dir);
            try {
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child opened a spool this process holds");
                String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(out.contains("in use by another process"), "the child opened a spool this process holds: " + out);
            } finally {
                child.destroyForcibly();
            }
        }
        try (Spool again = Spool.open(Fixtures.config(dir).build())) {
            assertTrue(again.recovery().clean(), "closed cleanly, so nothing to recover");
        }
    }

    /** A process that opens the spool and writes to it until killed (or fails to open and exits). */
    private static Process startChild(Path spoolDir) throws IOException {
        return ChildJvm.builder(CrashChild.class, List.of("-Xmx128m"), spoolDir.toString(), "0", "1").redirectErrorStream(true).start();
    }

    @Test
    void openWhileAnotherProcessHoldsTheSpoolFailsClearly() throws Exception {
        Process child = startChild(dir);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("open"), "child did not open the spool: " + line);
            IOException e = assertThrows(IOException.class, () -> Spool.open(Fixtures.config(dir).build()));
            assertTrue(e.getMessage().contains("in use by another process"), e.getMessage());
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        // Once the holder is gone, even killed, the spool opens.
        Spool.open(Fixtures.config(dir).build()).close();
    }
}
