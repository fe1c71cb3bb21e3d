package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.testkit.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logging is set up when something first logs: a tool that logs nothing does not load it; a log line keeps its form. */
class LoggingTest {
    @TempDir Path dir;

    @Test
    void catOfASpoolLoadsNoLogging() throws Exception {
        Files.createDirectories(dir.resolve("spool/sealed"));
        String out = child(List.of("-verbose:class"), Main.class, "cat", dir.resolve("spool").toString());
        assertTrue(out.contains("dev.cistern.cli.CatCommand"), out.length() + " bytes of class loading");
        assertFalse(out.contains("java.util.logging.LogManager "), "cat set up logging");
    }

    @Test
    void theFirstRecordIsOneLineOnStderrAndChronicleSaysOnlyWarnings() throws Exception {
        String out = child(List.of(), LogsTwice.class);
        assertTrue(out.matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO    dev\\.cistern\\.test: hello\\R"), out);
    }

    /** Sets logging up as Main does, then logs an INFO of its own and one of Chronicle's. */
    public static final class LogsTwice {
        public static void main(String[] args) {
            Logging.configure();
            Logger.getLogger("dev.cistern.test").info("hello");
            Logger.getLogger("net.openhft.chronicle.queue").info("mapping a file");
        }
    }

    private static String child(List<String> jvmFlags, Class<?> main, String... args) throws Exception {
        Process p = ChildJvm.builder(main, jvmFlags, args).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
