package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool as the agent writes it, each series' rows one after the other: rows alike the one before are decided by
 * comparing the two ({@link LastVerdict}), and their ends found so. Series differ in a string's digits only, some have
 * an escape, values change their number of digits; time ranges end inside files. Every count is checked
 * against what was written, and against the parser's reading of the same files.
 */
class ScanGroupedRowsTest {
    private static final int SERIES = 24;
    private static final int SAMPLES = 700;
    private static final long STEP = 15_000;

    @TempDir static Path dir;

    private record Written(String name, Map<String, String> labels) {}

    private static Written series(int s) {
        String name = s % 3 == 0 ? "cpu1" : s % 3 == 1 ? "cpu12" : "cpu\\2"; // the last spelled with an escape
        String pod = "p-" + (s % 4 == 0 ? 1 : s % 4 == 1 ? 12 : s); // p-1 and p-12 differ in a digit only
        String container = s % 5 == 0 ? "istio-proxy" : s % 7 == 0 ? "istio\"proxy" : "c" + s;
        return new Written(name, Map.of("pod", pod, "container", container, "n", Integer.toString(s)));
    }

    private static long ts(int i) {
        return T0 + i * STEP;
    }

    /** A value whose digits change in number from one sample to the next (a sign or a fraction would make rows unlike). */
    private static double value(int s, int i) {
        return (i % 3 == 0 ? i * 1000 + s : i % 3 == 1 ? i : i * 17) + 0.5;
    }

    @BeforeAll
    static void write() throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).rotation(Rotation.DEFAULT.withMaxRows(3_000)).build())) {
            StreamWriter w = spool.writer("metrics");
            for (int i = 0; i < SAMPLES; i++) {
                for (int s = 0; s < SERIES; s++) {
                    Written r = series(s);
                    Map<String, String> l = r.labels();
                    w.append(Series.of(r.name(), Labels.of("pod", l.get("pod"), "container", l.get("container"), "n", l.get("n"))),
                            ts(i), value(s, i));
                }
            }
        }
    }

    private interface Wanted {
        boolean test(Written w, long ts);
    }

    private static void check(ScanQuery q, Wanted p) throws Exception {
        long want = 0;
        for (int i = 0; i < SAMPLES; i++) for (int s = 0; s < SERIES; s++) if (p.test(series(s), ts(i))) want++;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Scanner.Summary summary = Scanner.of(dir).copy(q, out);
        assertEquals(List.of(), summary.problems());
        String what = q.name() + " " + q.labels() + " " + q.from() + ".." + q.to();
        assertEquals(want, summary.matched(), what);
        assertEquals(want, out.toString(StandardCharsets.UTF_8).lines().count(), what);
        ByteArrayOutputStream uncounted = new ByteArrayOutputStream();
        Scanner.of(dir).copy(q, uncounted, false);
        assertEquals(out.toString(StandardCharsets.UTF_8), uncounted.toString(StandardCharsets.UTF_8), what);
        assertEquals(want, Scanner.of(dir).page(q).total(), "parsed alike: " + what);
    }

    @Test
    void theSpoolHasRunsOfASeriesAndTimeRangesEndInsideFiles() throws Exception {
        List<SealedSegment> segments = Scanner.of(dir).segments(ScanQuery.all());
        assertTrue(segments.size() >= 4, "several files: " + segments.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Scanner.of(dir).copy(ScanQuery.all(), out);
        List<String> rows = out.toString(StandardCharsets.UTF_8).lines().toList();
        int alike = 0;
        for (int k = 1; k < rows.size(); k++) {
            if (rows.get(k).replaceAll("[0-9]+", "").equals(rows.get(k - 1).replaceAll("[0-9]+", ""))) alike++;
        }
        assertTrue(alike > rows.size() / 2, "rows come in runs of a series: " + alike + " of " + rows.size());
    }

    @Test
    void namesAndLabelsThatDifferInADigit() throws Exception {
        for (String n : List.of("cpu1", "cpu12", "cpu\\2", "cpu")) check(ScanQuery.builder().name(n).build(), (w, t) -> w.name().equals(n));
        for (String pod : List.of("p-1", "p-12", "p-7", "p-")) {
            check(ScanQuery.builder().label("pod", pod).build(), (w, t) -> w.labels().get("pod").equals(pod));
        }
        check(ScanQuery.builder().label("container", "istio\"proxy").build(), (w, t) -> w.labels().get("container").equals("istio\"proxy"));
    }

    @Test
    void timeRangesEndingInsideFiles() throws Exception {
        for (int[] range : new int[][] {{100, 555}, {3, 4}, {0, SAMPLES}, {333, 334}, {699, 700}}) {
            long from = ts(range[0]);
            long to = ts(range[1]) - 1; // ends just before a sample
            check(ScanQuery.builder().from(from).to(to).build(), (w, t) -> t >= from && t < to);
            check(ScanQuery.builder().from(from).to(to).label("container", "istio-proxy").build(),
                    (w, t) -> t >= from && t < to && w.labels().get("container").equals("istio-proxy"));
            check(ScanQuery.builder().from(from).to(to).text("ISTIO").build(),
                    (w, t) -> t >= from && t < to && w.labels().get("container").toLowerCase().contains("istio"));
            check(ScanQuery.builder().from(from + 1).to(to).name("cpu12").label("pod", "p-12").build(),
                    (w, t) -> t >= from + 1 && t < to && w.name().equals("cpu12") && w.labels().get("pod").equals("p-12"));
        }
    }
}
