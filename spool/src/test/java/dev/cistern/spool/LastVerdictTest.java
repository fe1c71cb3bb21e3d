package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A filter that keeps the last row's verdict decides each row of a run as a fresh filter does: rows that differ
 * in numbers only reuse it, rows that differ in a string's digits, a key or the nesting are read again.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a compare that stops moving forward fails, not hangs
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
        last.keep(kept, 0, kept.length, 1, LastVerdict.NO_TIME);
        for (String same : List.of(
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":2.5,\"labels\":{\"pod\":\"p-1\"}}",
                "{\"name\":\"cpu1\",\"ts\":1800,\"value\":2.5,\"labels\":{\"pod\":\"p-1\"}}",
                "{\"name\":\"cpu1\",\"ts\":1,\"value\":93.75,\"labels\":{\"pod\":\"p-1\"}}")) {
            byte[] b = utf8(same);
            assertEquals(b.length, last.sameUpTo(b, 0, b.length), same);
        }
        for (String other : List.of(
                "{\"name\":\"cpu2\",\"ts\":17,\"value\":2.5,\"labels\":{\"pod\":\"p-1\"}}",
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":2.5,\"labels\":{\"pod\":\"p-12\"}}",
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":2.5,\"labels\":{\"pod\":\"p-\"}}",
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":\"2.5\",\"labels\":{\"pod\":\"p-1\"}}",
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":2.,\"labels\":{\"pod\":\"p-1\"}}",
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":[],\"labels\":{\"pod\":\"p-1\"}}",
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":2.5,\"labels\":{\"pod\":\"p-1\",\"pod\":\"q\"}}",
                "{\"name\":\"cpu1\",\"ts\":17}",
                "{\"name\":\"cpu1\",\"ts\":-17,\"value\":2.5,\"labels\":{\"pod\":\"p-1\"}}",
                "{\"name\":\"cpu1\",\"ts\":17,\"value\":2.5,\"labels\":{\"pod\":\"p-1\"}}x")) {
            byte[] b = utf8(other);
            assertTrue(last.sameUpTo(b, 0, b.length) != b.length, other);
        }
        byte[] escaped = utf8("{\"name\":\"cpu1\",\"ts\":17,\"value\":2.5,\"labels\":{\"pod\":\"p\\u002d1\"}}");
        last.keep(escaped, 0, escaped.length, 1, LastVerdict.NO_TIME);
        assertEquals(-1, last.sameUpTo(escaped, 0, escaped.length), "a row with an escape is not kept");
    }

    @Test
    void runsOfRowsDecideAsAFreshFilter() {
        Random rnd = new Random(13);
        JsonLines.TimeReader ints = (p, v) -> v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : JsonLines.BAD_TIME;
        List<ScanQuery> queries = List.of(
                ScanQuery.builder().name("cpu1").build(),
                ScanQuery.builder().label("pod", "p-1").build(),
                ScanQuery.builder().name("cpu").label("pod", "p-12").build(),
                ScanQuery.builder().label("pod", "p-1").from(15).to(400).build(), // the file partly in range: each row's time
                ScanQuery.builder().from(20).to(60).build(),
                ScanQuery.builder().label("pod", "p-12").from(20).to(600).timeField("ts", ints).build()); // a time reader: parsed
        for (ScanQuery q : queries) {
            RowFilter kept = new RowFilter(q, false);
            String base = row(rnd);
            for (int i = 0; i < 20_000; i++) {
                String r = rnd.nextInt(8) == 0 ? (base = row(rnd)) : renumbered(base, rnd);
                byte[] b = utf8("x" + r + "\n");
                boolean fresh = new RowFilter(q, false).matches(b, 1, b.length - 1, false, false);
                assertEquals(fresh, kept.matches(b, 1, b.length - 1, false, false), q.name() + " " + q.labels() + " " + q.from() + ": " + r);
            }
        }
    }

    @Test
    void timeOfARowAlikeIsReadWhereTheKeptRowHasIt() {
        LastVerdict last = new LastVerdict();
        byte[] kept = utf8("{\"v\":7,\"name\":\"a1\",\"ts\":1500,\"value\":2.5,\"labels\":{\"ts\":\"9\"}}");
        int at = new String(kept, StandardCharsets.UTF_8).indexOf("1500");
        last.keep(kept, 0, kept.length, 1, at);
        for (String[] alike : new String[][] {
                {"{\"v\":7,\"name\":\"a1\",\"ts\":1500,\"value\":2.5,\"labels\":{\"ts\":\"9\"}}", "1500"},
                {"{\"v\":70000,\"name\":\"a1\",\"ts\":3,\"value\":2.5,\"labels\":{\"ts\":\"9\"}}", "3"},
                {"{\"v\":1,\"name\":\"a1\",\"ts\":1763773200000,\"value\":98765.4321,\"labels\":{\"ts\":\"9\"}}", "1763773200000"},
                {"{\"v\":7,\"name\":\"a1\",\"ts\":1599,\"value\":2.5,\"labels\":{\"ts\":\"9\"}}", "1599"}}) {
            byte[] b = utf8("xx" + alike[0] + "\nnext");
            int end = 2 + alike[0].length();
            assertEquals(end, last.sameUpTo(b, 2, b.length), alike[0]);
            assertEquals(Long.parseLong(alike[1]), last.time(b), alike[0]);
        }
        byte[] tooLong = utf8("{\"v\":7,\"name\":\"a1\",\"ts\":1234567890123456789,\"value\":2.5,\"labels\":{\"ts\":\"9\"}}");
        assertEquals(tooLong.length, last.sameUpTo(tooLong, 0, tooLong.length));
        assertEquals(RowFields.ASK_PARSER, last.time(tooLong), "past 18 digits: the parser reads it");
        byte[] shorter = utf8("{\"v\":7,\"name\":\"a1\",\"ts\":1500,\"value\":2.5,\"labels\":{\"ts\":\"9\"}");
        assertEquals(-1, last.sameUpTo(shorter, 0, shorter.length), "the bytes end before the kept row does");
        byte[] fraction = utf8("{\"ts\":15.5}");
        last.keep(fraction, 0, fraction.length, 1, LastVerdict.PARSED_TIME);
        assertEquals(fraction.length, last.sameUpTo(fraction, 0, fraction.length));
        assertEquals(RowFields.ASK_PARSER, last.time(fraction));
        byte[] none = utf8("{\"t\":15}");
        last.keep(none, 0, none.length, 1, LastVerdict.NO_TIME);
        assertEquals(none.length, last.sameUpTo(none, 0, none.length));
        assertEquals(Long.MIN_VALUE, last.time(none));
    }

    /**
     * Blocks of rows in runs of a series, taken one row at a time as the block matcher does ({@link RowFilter#nextRow}):
     * each row's end and verdict are a fresh filter's, for name, label and time filters in a file partly in range.
     */
    @Test
    void rowsTakenOneByOneEndAndDecideAsAFreshFilter() {
        Random rnd = new Random(29);
        List<ScanQuery> queries = List.of(
                ScanQuery.builder().name("cpu1").build(),
                ScanQuery.builder().label("pod", "p-1").from(15).to(400).build(),
                ScanQuery.builder().from(20).to(60).build(),
                ScanQuery.builder().name("cpu").label("pod", "p-12").from(0).to(50).build());
        for (ScanQuery q : queries) {
            RowFilter kept = new RowFilter(q, false);
            for (int block = 0; block < 400; block++) {
                StringBuilder rows = new StringBuilder();
                List<String> each = new java.util.ArrayList<>();
                String base = row(rnd);
                for (int i = 0; i < 1 + rnd.nextInt(40); i++) {
                    String r = rnd.nextInt(8) == 0 ? (base = row(rnd)) : renumbered(base, rnd);
                    each.add(r);
                    rows.append(r).append('\n');
                }
                byte[] b = utf8("x" + rows);
                int ls = 1;
                for (String r : each) {
                    byte[] alone = utf8(r);
                    boolean fresh = new RowFilter(q, false).matches(alone, 0, alone.length, false, false);
                    int got = kept.nextRow(b, ls, b.length, false);
                    int le = got >= 0 ? got : ~got;
                    assertEquals(ls + alone.length, le, "the row's end: " + r);
                    assertEquals(fresh, got >= 0, q.name() + " " + q.labels() + " " + q.from() + ": " + r);
                    ls = le + 1;
                }
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
