package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A filter that keeps the last row's verdict decides each row of a run as a fresh filter does: rows that differ
 * in numbers only reuse it, rows that differ in a string's digits, a key or the nesting are read again.
 */
class LastVerdictTest {
    private static final String[] NAMES = {"cpu", "cpu1", "cpu2", "mem"};
    private static final String[] VALUES = {"p-1", "p-2", "p-12", "q"};

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keptVerdictOnlyForDigitsOutsideStrings() {
        LastVerdict last = new LastVerdict();
        byte[] kept = utf8("{\"name\":\"cpu1\",\"ts\":17,\"value\":2.5,\"labels\":{\"pod\":\"p-1\"}}");
        last.keep(kept, 0, kept.length, 1);
        for (String same : List.of(
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":2.5,\"labels\":{\"pod\":\"p-1\"}}",
                "{\"name\":\"cpu1\",\"ts\":1800,\"value\":2.5,\"labels\":{\"pod\":\"p-1\"}}",
                "{\"name\":\"cpu1\",\"ts\":1,\"value\":93.75,\"labels\":{\"pod\":\"p-1\"}}")) {
            byte[] b = utf8(same);
            assertEquals(1, last.of(b, 0, b.length), same);
        }
        for (String other : List.of(
                "{\"name\":\"cpu2\",\"ts\":17,\"value\":2.5,\"labels\":{\"pod\":\"p-1\"}}",
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":2.5,\"labels\":{\"pod\":\"p-12\"}}",
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":2.5,\"labels\":{\"pod\":\"p-\"}}",
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":\"2.5\",\"labels\":{\"pod\":\"p-1\"}}",
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":2.,\"labels\":{\"pod\":\"p-1\"}}",
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":[],\"labels\":{\"pod\":\"p-1\"}}",
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":2.5,\"labels\":{\"pod\":\"p-1\",\"pod\":\"q\"}}")) {
            byte[] b = utf8(other);
            assertEquals(LastVerdict.NONE, last.of(b, 0, b.length), other);
        }
        byte[] escaped = utf8("{\"name\":\"cpu1\",\"ts\":17,\"value\":2.5,\"labels\":{\"pod\":\"p\\u002d1\"}}");
        last.keep(escaped, 0, escaped.length, 1);
        assertEquals(LastVerdict.NONE, last.of(escaped, 0, escaped.length), "a row with an escape is not kept");
    }

    @Test
    void runsOfRowsDecideAsAFreshFilter() {
        Random rnd = new Random(13);
        List<ScanQuery> queries = List.of(
                ScanQuery.builder().name("cpu1").build(),
                ScanQuery.builder().label("pod", "p-1").build(),
                ScanQuery.builder().name("cpu").label("pod", "p-12").build());
        for (ScanQuery q : queries) {
            RowFilter kept = new RowFilter(q, false);
            String base = row(rnd);
            for (int i = 0; i < 20_000; i++) {
                String r = rnd.nextInt(8) == 0 ? (base = row(rnd)) : renumbered(base, rnd);
                byte[] b = utf8("x" + r + "\n");
                boolean fresh = new RowFilter(q, false).matches(b, 1, b.length - 1, false, false);
                assertEquals(fresh, kept.matches(b, 1, b.length - 1, false, false), q.name() + " " + q.labels() + ": " + r);
            }
        }
    }

    /** A row of a series: its strings, keys and nesting vary between series, and digits sit in strings and numbers. */
    private static String row(Random rnd) {
        String name = NAMES[rnd.nextInt(NAMES.length)];
        String pod = VALUES[rnd.nextInt(VALUES.length)];
        String extra = switch (rnd.nextInt(5)) {
            case 0 -> ",\"pod\":\"" + VALUES[rnd.nextInt(VALUES.length)] + "\"";
            case 1 -> ",\"n\":[1,22]";
            case 2 -> ",\"name\":\"" + NAMES[rnd.nextInt(NAMES.length)] + "\"";
            default -> "";
        };
        String top = rnd.nextBoolean() ? "" : ",\"name\":\"" + NAMES[rnd.nextInt(NAMES.length)] + "\"";
        return "{\"name\":\"" + name + "\",\"ts\":17,\"value\":25,\"labels\":{\"pod\":\"" + pod + "\"" + extra + "}" + top + "}";
    }

    /** The row with each digit run changed at random: the numbers' (and the strings', which then decide anew). */
    private static String renumbered(String row, Random rnd) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < row.length(); i++) {
            char c = row.charAt(i);
            if (c >= '0' && c <= '9' && rnd.nextInt(3) == 0) {
                int digits = 1 + rnd.nextInt(3);
                for (int d = 0; d < digits; d++) out.append((char) ('0' + rnd.nextInt(10)));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
