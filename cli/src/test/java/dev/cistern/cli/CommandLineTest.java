package dev.cistern.cli;

import static dev.cistern.cli.UploadCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cistern.cli.UploadCommandsTest.Run;
import dev.cistern.spool.Labels;
import dev.cistern.spool.Series;
import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.spool.StreamWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 16, 1: every command answers --help, errors are one line with a hint, filters and paths work alike. */
class CommandLineTest {
    private static final long T0 = 1_763_773_200_000L; // 2025-11-22T01:00:00Z
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path spool;
    @TempDir Path outbox;

    /** Two streams, two hours each; rows named "a" or "b" alternately. */
    private void seal() throws Exception {
        try (Spool s = Spool.open(SpoolConfig.builder(spool).shardsPerStream(1).quality(1).build())) {
            for (String stream : List.of("cost", "other")) {
                StreamWriter w = s.writer(stream);
                for (int hour = 0; hour < 2; hour++) {
                    for (int r = 0; r < 100; r++) {
                        w.append(Series.of(r % 2 == 0 ? "a" : "b", Labels.of("r", Integer.toString(r))), T0 + hour * 3_600_000L + r, r);
                    }
                    w.seal();
                }
            }
        }
    }

    @Test
    void everyCommandAnswersHelpWithExitZero() {
        List<String> failed = new ArrayList<>();
        walk(Main.commandLine(), new ArrayList<>(), failed);
        assertTrue(failed.isEmpty(), "commands without a working --help: " + failed);
    }

    @Test
    void onlyTheNamedCommandIsBuiltAndHelpOrATypoSeesThemAll() {
        assertEquals(Set.of("cat"), Main.commandLine("cat", "x").getSubcommands().keySet());
        assertEquals(Set.of("bench"), Main.commandLine("bench", "write", "--help").getSubcommands().keySet());
        Set<String> all = Set.of("run", "ls", "cat", "stats", "verify", "upload", "uploads", "replay", "bench", "help");
        assertEquals(all, Main.commandLine().getSubcommands().keySet());
        assertEquals(all, Main.commandLine("help", "cat").getSubcommands().keySet());
        assertEquals(all, Main.commandLine("catt").getSubcommands().keySet());
        assertEquals(all, Main.commandLine("--version").getSubcommands().keySet());
        Run helpCat = run("help", "cat");
        assertEquals(0, helpCat.code());
        assertTrue(helpCat.out().contains("Usage: cistern cat"), helpCat.out());
    }

    private static void walk(CommandLine cmd, List<String> path, List<String> failed) {
        for (var e : cmd.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            List<String> args = new ArrayList<>(path);
            args.add(e.getKey());
            for (String flag : List.of("--help", "-h")) {
                List<String> withFlag = new ArrayList<>(args);
                withFlag.add(flag);
                Run r = run(withFlag.toArray(String[]::new));
                if (r.code() != 0 || !r.out().contains("Usage: cistern " + String.join(" ", args))) failed.add(withFlag + " " + r);
            }
            walk(e.getValue(), args, failed);
        }
    }

    @Test
    void errorsAreOneLineWithAHintNotTheUsage() {
        Run missing = run("ls", "/no/such/dir");
        assertEquals(2, missing.code());
        assertEquals("cistern ls: /no/such/dir: no such directory", missing.err().strip());
        Run noArg = run("ls");
        assertEquals(2, noArg.code());
        assertTrue(noArg.err().startsWith("cistern ls: Missing required parameter"), noArg.err());
        assertTrue(noArg.err().contains("Try 'cistern ls --help'"), noArg.err());
        assertFalse(noArg.err().contains("Usage:"), noArg.err());
        Run cat = run("cat", "/no/such/file.json.br");
        assertEquals("cistern cat: /no/such/file.json.br: no such file or directory", cat.err().strip());
        Run renamed = run("upload", "/x", "--to", "file:///y");
        assertEquals(2, renamed.code());
        assertTrue(renamed.err().contains("--to is now --dest"), renamed.err());
    }

    @Test
    void relativePathsAndTimesWithoutSecondsWork() throws Exception {
        seal();
        String relative = Path.of("").toAbsolutePath().relativize(spool).toString();
        Run r = run("ls", relative, "--from", "2025-11-22T02:00Z", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode ls = JSON.readTree(r.out());
        assertEquals(2, ls.get("total").asInt(), r.out()); // the second hour of each stream
        for (JsonNode s : ls.get("segments")) {
            assertEquals("2025-11-22T02:00:00Z", s.get("first").asText());
            assertEquals("brotli", s.get("codec").asText());
            assertEquals(1, s.get("level").asInt(), "the level each file was sealed at");
        }
        Run text = run("ls", relative);
        assertTrue(text.out().contains("LEVEL") && text.out().contains("brotli 1 "), text.out());
        assertEquals(0, run("ls", relative, "--from", "2025-11-22T02:00+01:00").code());
        assertEquals(0, run("ls", relative, "--from", "1h30m").code());
    }

    @Test
    void catFiltersFilesAndFoldersAsItFiltersASpoolAndPagesWithATotal() throws Exception {
        seal();
        Path file;
        try (Stream<Path> s = Files.walk(spool.resolve("sealed/cost"))) {
            file = s.filter(p -> p.toString().endsWith(".json.br")).sorted().findFirst().orElseThrow();
        }
        Run one = run("cat", file.toString(), "--name", "a");
        assertEquals(50, one.out().lines().count(), one.err());
        assertTrue(one.out().lines().allMatch(l -> l.startsWith("{\"name\":\"a\"")), one.out());
        Run spoolRows = run("cat", spool.toString(), "--name", "a", "--stream", "cost");
        Run folderRows = run("cat", spool.resolve("sealed").toString(), "--name", "a", "--stream", "cost");
        assertEquals(spoolRows.out(), folderRows.out());
        assertEquals(100, spoolRows.out().lines().count());
        Run page = run("cat", spool.toString(), "--name", "b", "--offset", "10", "--limit", "5");
        assertEquals(5, page.out().lines().count());
        assertTrue(page.err().contains("rows 11-15 of 200 matching"), page.err());
    }

    @Test
    void statsWorksOnADestinationFolderAndSpeaksJson() throws Exception {
        seal();
        Run up = run("upload", spool.toString(), "--dest", outbox.toUri().toString(), "--once", "--after", "move", "--json");
        assertEquals(0, up.code(), up.err());
        JsonNode summary = JSON.readTree(up.out());
        assertEquals(4, summary.get("uploaded").asInt(), up.out());
        assertTrue(summary.get("all_uploaded").asBoolean(), up.out());
        Run r = run("stats", outbox.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode stats = JSON.readTree(r.out());
        assertEquals(4, stats.get("total").get("files").asInt(), r.out());
        assertEquals(400, stats.get("total").get("rows").asInt(), r.out());
        assertEquals(2, stats.get("streams").size());
        assertEquals(4, stats.get("total").get("files_by_level").get("brotli 1").asInt(), "every file records quality 1: " + r.out());
        Run verify = run("verify", spool.toString(), "--json");
        assertEquals(0, verify.code(), verify.err());
        JsonNode v = JSON.readTree(verify.out());
        assertTrue(v.get("ok").asBoolean() && v.get("problems").isEmpty(), verify.out());
        assertEquals(4, v.get("files").asInt(), verify.out());
        Run text = run("stats", outbox.toString());
        assertTrue(text.out().contains("TOTAL") && text.out().contains("LEVEL"), text.out());
    }
}
