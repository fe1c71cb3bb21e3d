package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.testkit.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A plain cat line reads as picocli reads it; any other line is left to picocli. */
class PlainCatLineTest {
    @TempDir Path dir;

    private static CatCommand picocli(String... args) {
        CommandLine cl = Main.commandLine(args);
        cl.registerConverter(Path.class, Main::path);
        return (CatCommand) cl.parseArgs(args).subcommand().commandSpec().userObject();
    }

    private static String fields(CatCommand c) {
        return List.of(c.inputs, c.streams, String.valueOf(c.from), String.valueOf(c.to), String.valueOf(c.timeField),
                String.valueOf(c.timeFormat), String.valueOf(c.name), c.labels, String.valueOf(c.text), c.offset, c.limit).toString();
    }

    @Test
    void plainLinesReadAsPicocliReadsThem() {
        for (String line : List.of(
                "cat spool",
                "cat /tmp/a b/../c ./d",
                "cat spool --label container=istio-proxy",
                "cat spool --label a=b --label c=d=e --label a=f --stream s1 --stream=s2",
                "cat --name=cpu spool --grep Istio",
                "cat spool --text x --offset 10 --limit=5",
                "cat spool --from 2025-11-22T01:00:00Z --to=1763776800000",
                "cat spool --from 2025-11-22 --to 2025-11-22T02:30",
                "cat spool --time-field event_time --time-format rfc3339",
                "cat spool --time-format=epoch_s --label k=",
                "cat a.json.br b.json.zst --name x_total --label =v")) {
            String[] args = line.split(" ");
            CatCommand plain = PlainCatLine.read(args);
            assertNotNull(plain, line);
            assertEquals(fields(picocli(args)), fields(plain), line);
        }
    }

    @Test
    void everyOtherLineIsLeftToPicocli() {
        for (String line : List.of(
                "cat", "cat --help", "cat spool -h", "cat spool --version", "cat spool --nme x", "cat spool --name",
                "cat spool --name a --name b", "cat spool --grep a --text b", "cat spool --offset -1", "cat spool --limit 0x10",
                "cat spool --offset 5x", "cat spool --label novalue", "cat spool --from yesterday", "cat spool --time-format iso",
                "cat @args", "cat -- -spool", "cat --name x", "ls spool", "cat spool --name -x", "cat spool --stream",
                "cat spool --grep @@x", "cat spool --name @names", "cat spool --label=@x")) {
            assertNull(PlainCatLine.read(line.split(" ")), line);
        }
    }

    /** The point of it: a plain cat loads no picocli; a line that is not plain does, and so does the recording run. */
    @Test
    void aPlainCatLoadsNoPicocli() throws Exception {
        String spool = Files.createDirectories(dir.resolve("spool/sealed")).getParent().toString();
        assertFalse(classesLoaded(null, "cat", spool, "--label", "a=b").contains("picocli.CommandLine "), "a plain line");
        assertTrue(classesLoaded(null, "cat", spool, "--label", "a").contains("picocli.CommandLine "), "not plain: picocli says why");
        assertTrue(classesLoaded("recording", "cat", spool).contains("picocli.CommandLine "), "recording a class list");
    }

    private static String classesLoaded(String classList, String... args) throws Exception {
        ProcessBuilder b = ChildJvm.builder(Main.class, List.of("-verbose:class"), args).redirectErrorStream(true);
        b.environment().remove("CISTERN_CLASS_LIST");
        if (classList != null) b.environment().put("CISTERN_CLASS_LIST", classList);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(out.contains("dev.cistern.cli.CatCommand"), out);
        return out;
    }
}
