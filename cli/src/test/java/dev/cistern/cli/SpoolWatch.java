package dev.cistern.cli;

import dev.cistern.agent.RemoteWriteClient;
import dev.cistern.testkit.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a test reads off a running agent and its data directory: metrics, the spool draining, the log. */
public final class SpoolWatch {
    /** A file of unsent rows dropped by retention, as logged one line per file: "dropped UNSENT f (REASON): stream s, rows n". */
    private static final Pattern DROPPED_FILE = Pattern.compile("dropped UNSENT \\S+ \\([^)]*\\): stream \\S+, rows (\\d+)");
    /** Unsent rows dropped, as logged in rate-limited lines: "dropped n unsent rows of stream s (...)". */
    private static final Pattern DROPPED_ROWS = Pattern.compile("dropped (\\d+) unsent rows of stream");

    private SpoolWatch() {}

    /** The sum of a metric's samples whose line holds {@code labels} (e.g. {@code reason="spool_full"}); 0 when absent. */
    public static double metric(RemoteWriteClient c, String name, String labels) throws IOException, InterruptedException {
        double sum = 0;
        for (String line : c.get("/metrics").body().split("\n")) {
            if (line.startsWith(name) && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')
                    && line.contains(labels)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** The agent's metric lines starting with {@code prefix}, for messages; what went wrong when it does not answer. */
    public static String metricLines(RemoteWriteClient c, String prefix) {
        try {
            return Arrays.stream(c.get("/metrics").body().split("\n")).filter(l -> l.startsWith(prefix)).toList().toString();
        } catch (IOException e) {
            return "(no metrics: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    /** Segment files in sealed/ and temp files in active/: what is not shipped yet. */
    static int unshipped(Path data) throws IOException {
        try {
            return new Delivered().dir(data.resolve("sealed")).files() + TestFiles.files(data.resolve("active")).size();
        } catch (UncheckedIOException | NoSuchFileException e) {
            return Integer.MAX_VALUE; // a file moved while we looked: not quiet
        }
    }

    /** Waits until nothing is left to ship (twice in a row, 200 ms apart); false after {@code timeout}. */
    static boolean awaitShipped(Path data, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (quiet < 2) {
            if (System.nanoTime() > deadline) return false;
            quiet = unshipped(data) == 0 ? quiet + 1 : 0;
            Thread.sleep(200);
        }
        return true;
    }

    /** Waits until uploaded/ holds no segment file (retention reclaimed them all), at most {@code timeout}. */
    static void awaitReclaimed(Path data, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (new Delivered().dir(data.resolve("uploaded")).files() == 0) return;
            } catch (UncheckedIOException | NoSuchFileException e) {
                // retention deleted a file while we looked
            }
            Thread.sleep(100);
        }
    }

    /** Unsent rows the agent logged as dropped (retention under drop_oldest or max_age), in either wording. */
    static long droppedUnsentRows(Path log) throws IOException {
        long rows = 0;
        for (String line : Files.readAllLines(log)) {
            Matcher m = DROPPED_FILE.matcher(line);
            if (m.find()) rows += Long.parseLong(m.group(1));
            m = DROPPED_ROWS.matcher(line);
            if (m.find()) rows += Long.parseLong(m.group(1));
        }
        return rows;
    }

    /** Log lines holding {@code text}. */
    public static List<String> lines(Path log, String text) throws IOException {
        return Files.readAllLines(log).stream().filter(l -> l.contains(text)).toList();
    }

}
