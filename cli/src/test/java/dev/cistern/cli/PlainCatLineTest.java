package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A plain cat line reads as picocli reads it; any other line is left to picocli. */
class PlainCatLineTest {
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
                "cat @args", "cat -- -spool", "cat --name x", "ls spool", "cat spool --name -x", "cat spool --stream")) {
            assertNull(PlainCatLine.read(line.split(" ")), line);
        }
    }
}
