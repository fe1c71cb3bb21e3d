package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Name and label filters found by searching whole blocks, checked against the rows as written: names
 * that are prefixes of others, a label's value in another label or under a longer key, escaped values
 * in some blocks and not in others, rows split between decoded chunks and between blocks.
 */
class ScanFilterBlocksTest {
    private static final int ROWS = 60_000;
    private static final String[] NAMES = {"cpu", "cpu_total", "xcpu", "cpu\"quoted", "caf\u00e9"};
    private static final String[] CONTAINERS = {"istio-proxy", "istio-proxy-init", "istio", "cart", "istio\"proxy", "istio\\proxy"};

    @TempDir static Path dir;

    private record Written(String name, Map<String, String> labels) {}

    private static Written row(int i) {
        boolean escapes = i >= ROWS / 2 && i % 97 == 0; // the first half of the spool has no escape at all
        String name = NAMES[escapes ? 3 + i % 2 : i % 3];
        String container = CONTAINERS[escapes ? 4 + i % 2 : i % 4];
        String pod = i % 5 == 0 ? "istio-proxy" : "pod-" + (i % 13); // the wanted value under another key
        String other = i % 7 == 0 ? "istio-proxy" : "x";
        return new Written(name, Map.of("container", container, "pod", pod, "xcontainer", other, "id", "i" + i));
    }

    @BeforeAll
    static void write() throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).rotation(Rotation.DEFAULT.withMaxRows(25_000)).build())) {
            StreamWriter w = spool.writer("metrics");
            for (int i = 0; i < ROWS; i++) {
                Written r = row(i);
                Map<String, String> l = r.labels();
                w.append(Series.of(r.name(), Labels.of("container", l.get("container"), "pod", l.get("pod"),
                        "xcontainer", l.get("xcontainer"), "id", l.get("id"), "pad", "p".repeat(i % 300))), T0 + i, i);
            }
        }
    }

    private static long expected(Predicate<Written> p) {
        long n = 0;
        for (int i = 0; i < ROWS; i++) if (p.test(row(i))) n++;
        return n;
    }

    private static void check(ScanQuery q, Predicate<Written> p) throws Exception {
        long want = expected(p);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Scanner.Summary s = Scanner.of(dir).copy(q, out);
        assertEquals(List.of(), s.problems());
        assertEquals(ROWS, s.rowsRead());
        assertEquals(want, s.matched(), q.name() + " " + q.labels());
        long lines = out.toString(java.nio.charset.StandardCharsets.UTF_8).lines().count();
        assertEquals(want, lines);
        // as cat copies: rows not counted, so a keyed search probes every block for escapes; the same bytes
        ByteArrayOutputStream uncounted = new ByteArrayOutputStream();
        Scanner.Summary u = Scanner.of(dir).copy(q, uncounted, false);
        assertEquals(-1, u.rowsRead());
        assertEquals(out.toString(java.nio.charset.StandardCharsets.UTF_8), uncounted.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(want, Scanner.of(dir).page(q).total(), "parsed alike");
    }

    @Test
    void namesThatArePrefixesOfOthersAreNotThem() throws Exception {
        for (String n : NAMES) check(ScanQuery.builder().name(n).build(), r -> r.name().equals(n));
        check(ScanQuery.builder().name("cp").build(), r -> false);
    }

    @Test
    void aLabelValueUnderAnotherKeyIsNotTheLabel() throws Exception {
        for (String c : CONTAINERS) {
            check(ScanQuery.builder().label("container", c).build(), r -> r.labels().get("container").equals(c));
        }
        check(ScanQuery.builder().label("pod", "istio-proxy").build(), r -> r.labels().get("pod").equals("istio-proxy"));
        check(ScanQuery.builder().label("xcontainer", "istio-proxy").build(), r -> r.labels().get("xcontainer").equals("istio-proxy"));
        check(ScanQuery.builder().label("ontainer", "istio-proxy").build(), r -> false);
    }

    @Test
    void nameAndLabelsTogether() throws Exception {
        check(ScanQuery.builder().name("cpu").label("container", "istio-proxy").label("pod", "istio-proxy").build(),
                r -> r.name().equals("cpu") && r.labels().get("container").equals("istio-proxy")
                        && r.labels().get("pod").equals("istio-proxy"));
        check(ScanQuery.builder().name("cpu\"quoted").label("container", "istio\"proxy").build(),
                r -> r.name().equals("cpu\"quoted") && r.labels().get("container").equals("istio\"proxy"));
    }

    /** Rows of as many series as rows: searched (not taken one by one), and each row's time read in files partly in range. */
    @Test
    void timeRangesWithLabelsOverRowsOfManySeries() throws Exception {
        for (int[] range : new int[][] {{10_000, 37_123}, {24_999, 25_001}, {0, ROWS}}) {
            long from = T0 + range[0];
            long to = T0 + range[1];
            long want = 0;
            for (int i = range[0]; i < range[1]; i++) if (row(i).labels().get("container").equals("istio-proxy")) want++;
            ScanQuery q = ScanQuery.builder().label("container", "istio-proxy").from(from).to(to).build();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Scanner.Summary s = Scanner.of(dir).copy(q, out);
            assertEquals(want, s.matched(), range[0] + ".." + range[1]);
            assertEquals(want, Scanner.of(dir).page(q).total(), "parsed alike");
        }
    }
}
