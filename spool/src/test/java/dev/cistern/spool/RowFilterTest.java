package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The byte filters decide as a JSON parser would: escapes, unicode, labels seen as values, nesting, repeats. */
class RowFilterTest {
    private static final long T = 1_763_773_200_000L;

    private static boolean matches(ScanQuery q, String row) {
        byte[] b = ("xx" + row + "\n").getBytes(StandardCharsets.UTF_8); // not at offset 0, as in a block
        return new RowFilter(q, false).matches(b, 2, b.length - 1, false, false);
    }

    private static ScanQuery name(String n) {
        return ScanQuery.builder().name(n).build();
    }

    private static ScanQuery label(String k, String v) {
        return ScanQuery.builder().label(k, v).build();
    }

    @Test
    void nameIsTheTopLevelFieldOnly() {
        String row = "{\"name\":\"a\",\"labels\":{\"name\":\"b\"},\"meta\":{\"name\":\"c\"},\"msg\":\"\\\"name\\\":\\\"d\\\"\"}";
        assertTrue(matches(name("a"), row));
        for (String other : List.of("b", "c", "d", "\"d\"", "A", "")) assertFalse(matches(name(other), row), other);
        assertFalse(matches(name("a"), "{\"labels\":{\"x\":\"a\"}}"), "a value equal to the name is not the name");
        assertTrue(matches(name("y"), "{ \"name\" : \"y\" , \"ts\" : 5 }"), "blanks around keys and values");
        assertTrue(matches(name("b"), "{\"name\":\"a\",\"name\":\"b\"}"), "a repeated key: the last counts");
        assertFalse(matches(name("a"), "{\"name\":\"a\",\"name\":\"b\"}"));
        assertTrue(matches(name("a"), "{\"name\":\"a\",\"name\":7}"), "a later value of another kind leaves the name");
        assertFalse(matches(name("a"), "[\"name\",\"a\"]"), "not an object");
    }

    @Test
    void escapesAndUnicodeMatchWhatTheyStandFor() {
        assertTrue(matches(name("café"), "{\"name\":\"caf\\u00e9\"}"));
        assertTrue(matches(name("café"), "{\"name\":\"café\"}"));
        assertTrue(matches(name("日本"), "{\"name\":\"\\u65e5本\"}"));
        assertTrue(matches(name("a\"b"), "{\"name\":\"a\\\"b\"}"));
        assertTrue(matches(name("a\\b"), "{\"name\":\"a\\\\b\"}"));
        assertTrue(matches(name("a/b"), "{\"name\":\"a\\/b\"}"));
        assertTrue(matches(name("x"), "{\"n\\u0061me\":\"x\"}"), "an escaped key is the key");
        assertTrue(matches(name("😀"), "{\"name\":\"\\ud83d\\ude00\"}"), "a surrogate pair");
        assertFalse(matches(name("a\\u0062"), "{\"name\":\"ab\"}"));
        assertTrue(matches(name("a\\u0062"), "{\"name\":\"a\\\\u0062\"}"));
        assertTrue(matches(label("node", "n1"), "{\"labels\":{\"no\\u0064e\":\"n\\u0031\"}}"));
        assertTrue(matches(ScanQuery.builder().text("CAFé").build(), "{\"msg\":\"café\"}"), "ASCII letters fold, as before");
    }

    @Test
    void labelsMatchByKeyAndValueInsideLabels() {
        String row = "{\"name\":\"m\",\"labels\":{\"a\":\"node\",\"pod\":\"n1\",\"node\":\"n2\",\"x\":{\"node\":\"n1\"}},\"node\":\"n1\"}";
        assertTrue(matches(label("node", "n2"), row));
        assertFalse(matches(label("node", "n1"), row), "n1 is a value of another label, nested, and a top-level field");
        assertFalse(matches(label("a", "n2"), row));
        assertFalse(matches(label("node", "n"), row), "values match exactly");
        assertFalse(matches(label("n2", "node"), row), "a value is not a key");
        assertTrue(matches(ScanQuery.builder().label("node", "n2").label("pod", "n1").name("m").build(), row));
        assertFalse(matches(ScanQuery.builder().label("node", "n2").label("pod", "n2").build(), row));
        assertTrue(matches(label("k", "}{\"x\""), "{\"labels\":{\"k\":\"}{\\\"x\\\"\"}}"));
        assertTrue(matches(label("k", "b"), "{\"labels\":{\"k\":\"a\",\"k\":\"b\"}}"), "a repeated label: the last counts");
        assertFalse(matches(label("k", "a"), "{\"labels\":{\"k\":\"a\"},\"labels\":{\"j\":\"a\"}}"), "the last labels object counts");
        assertFalse(matches(label("k", "a"), "{\"labels\":\"k=a\"}"));
    }

    @Test
    void timeRangeReadsTheTimeFieldOnBytes() {
        ScanQuery hour = ScanQuery.builder().from(T).to(T + 3_600_000).build();
        assertTrue(matches(hour, "{\"ts\":" + T + "}"));
        assertTrue(matches(hour, "{\"labels\":{\"ts\":1},\"ts\":" + (T + 3_599_999) + "}"));
        assertFalse(matches(hour, "{\"ts\":" + (T + 3_600_000) + "}"), "to is excluded");
        assertFalse(matches(hour, "{\"ts\":" + (T - 1) + "}"));
        assertTrue(matches(hour, "{\"ts\":" + T + ".5}"), "a fraction: read by the parser");
        assertTrue(matches(hour, "{\"ts\":1.7637732E12}"), "an exponent");
        assertFalse(matches(hour, "{\"ts\":-" + T + "}"));
        assertFalse(matches(hour, "{\"ts\":\"" + T + "\"}"), "a string is no ts: out of a partly covered file");
        assertFalse(matches(hour, "{\"ts\":123456789012345678901234}"), "past a long");
        assertTrue(matches(hour, "{\"ts\":" + T + ",\"ts\":null}"), "a later non-number leaves the time");
        // a configured field and format: epoch seconds in "time"
        JsonLines.TimeReader seconds = (p, v) -> v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() * 1000 : JsonLines.BAD_TIME;
        ScanQuery byTime = ScanQuery.builder().from(T).to(T + 3_600_000).timeField("time", seconds).build();
        assertTrue(matches(byTime, "{\"ts\":1,\"time\":" + T / 1000 + "}"));
        assertFalse(matches(byTime, "{\"ts\":" + T + ",\"time\":1}"));
    }

    @Test
    void textIsFoundInOneRowOnly() {
        assertFalse(matches(ScanQuery.builder().text("a\nb").build(), "{\"m\":\"a\"}"));
        assertTrue(matches(ScanQuery.builder().text("ISTIO-proxy").build(), "{\"c\":\"Istio-Proxy\"}"));
        assertFalse(matches(ScanQuery.builder().text("istio-proxy").build(), "{\"c\":\"istio_proxy\"}"));
    }

    /** Random rows with escapes, repeats, nesting and unicode: the byte path decides as the parser does. */
    @Test
    void bytePathAgreesWithTheParserOnRandomRows() {
        Random rnd = new Random(42);
        String[] words = {"a", "n1", "node", "name", "ts", "labels", "é", "\\u0061", "\\\"", "}", "{", ",", ":", " ", "\\\\"};
        List<ScanQuery> queries = new ArrayList<>();
        for (String w : List.of("a", "n1", "node", "é", "\"", "}")) {
            queries.add(name(w));
            queries.add(label("node", w));
            queries.add(label(w, "a"));
        }
        queries.add(ScanQuery.builder().from(5).to(500).build());
        for (int i = 0; i < 20_000; i++) {
            String row = randomRow(rnd, words);
            byte[] b = row.getBytes(StandardCharsets.UTF_8);
            for (ScanQuery q : queries) {
                boolean parsed = new JsonRowMatch(q).matches(b, 0, b.length, false);
                assertEquals(parsed, new RowFilter(q, false).matches(b, 0, b.length, false, false), row + " " + q.name() + q.labels());
            }
        }
    }

    private static String randomRow(Random rnd, String[] words) {
        StringBuilder s = new StringBuilder("{");
        int fields = rnd.nextInt(5);
        for (int f = 0; f < fields; f++) {
            if (f > 0) s.append(rnd.nextBoolean() ? "," : " , ");
            s.append(str(rnd, words, new String[] {"name", "labels", "ts", "n\\u0061me", "x"})).append(':');
            switch (rnd.nextInt(5)) {
                case 0 -> s.append(str(rnd, words, words));
                case 1 -> s.append(rnd.nextInt(1000) - 10);
                case 2 -> s.append("null");
                default -> {
                    s.append('{');
                    int labels = rnd.nextInt(3);
                    for (int l = 0; l < labels; l++) {
                        if (l > 0) s.append(',');
                        s.append(str(rnd, words, new String[] {"node", "a", "é", "no\\u0064e"})).append(':');
                        s.append(rnd.nextInt(4) == 0 ? "[1,{\"node\":\"n1\"}]" : str(rnd, words, words));
                    }
                    s.append('}');
                }
            }
        }
        return s.append('}').toString();
    }

    private static String str(Random rnd, String[] words, String[] from) {
        StringBuilder s = new StringBuilder("\"");
        int n = 1 + rnd.nextInt(2);
        for (int i = 0; i < n; i++) {
            String w = from[rnd.nextInt(from.length)];
            s.append(w.equals("\"") || w.equals("\\") ? "\\" + w : w);
        }
        return s.append('"').toString();
    }
}
