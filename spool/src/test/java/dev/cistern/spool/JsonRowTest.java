package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generic JSON rows: appendJson validates whole rows before writing; appendObject never leaves half a row. */
class JsonRowTest {
    @TempDir Path dir;

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
        return out;
    }

    private static byte[] concat(String a, byte[] mid, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] z = b.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(x, x.length + mid.length + z.length);
        System.arraycopy(mid, 0, out, x.length, mid.length);
        System.arraycopy(z, 0, out, x.length + mid.length, z.length);
        return out;
    }

    private static List<byte[]> invalidRows() {
        List<byte[]> bad = new ArrayList<>();
        for (String s : List.of("", " ", "\n", "[1,2]", "[{\"a\":1}]", "\"text\"", "42", "null", "true",
                "{\"a\":1} x", "{\"a\":1}{\"b\":2}", "{\"a\":1}\n{\"b\":2}", "{\"a\":1},", "{\"a\":1}]",
                "{\"a\":1", "{\"a\":{\"b\":[1,2}}", "{\"a\":", "{\"a\"}", "{a:1}", "{'a':1}", "{\"a\":1,}",
                "{\"a\":NaN}", "{\"a\":\"raw\nnewline\"}", "{\"a\":tru}")) {
            bad.add(s.getBytes(StandardCharsets.UTF_8));
        }
        bad.add(concat("{\"a\":\"", bytes(0xff), "\"}"));                   // never valid in UTF-8
        bad.add(concat("{\"a\":\"", bytes(0xc3), "\"}"));                   // a lead byte without its continuation
        bad.add(concat("{\"a\":\"", bytes(0xc0, 0xaf), "\"}"));             // overlong encoding of '/'
        bad.add(concat("{\"a\":\"", bytes(0xe2, 0x82), "\"}"));             // cut three-byte sequence
        bad.add(concat("{\"a\":\"", bytes(0xc1, 0xbf), "\"}"));             // overlong two-byte form
        bad.add(concat("{\"a\":\"", bytes(0xe0, 0x80, 0xaf), "\"}"));       // overlong three-byte form
        bad.add(concat("{\"a\":\"", bytes(0xf0, 0x80, 0x80, 0xaf), "\"}")); // overlong four-byte form
        bad.add(concat("{\"a\":\"", bytes(0xed, 0xa0, 0x80), "\"}"));       // a UTF-16 surrogate
        bad.add(concat("{\"a\":\"", bytes(0xf4, 0x90, 0x80, 0x80), "\"}")); // past U+10FFFF
        bad.add(concat("{\"a\":\"", bytes(0xf5, 0x80, 0x80, 0x80), "\"}")); // lead byte that cannot occur
        bad.add(concat("{\"", bytes(0xff, 0xfe), "\":1}"));                 // bad bytes in a field name
        bad.add(concat("{\"deep\":{\"x\":[\"", bytes(0x80), "\"]}}"));      // bad bytes deep inside
        bad.add(concat("{\"ts\":\"", bytes(0xff), "\"}"));                  // bad bytes in a string ts
        return bad;
    }

    @Test
    void appendJsonRejectsAnythingButOneObjectAndWritesNothing() throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).build())) {
            StreamWriter w = spool.writer("events");
            for (byte[] row : invalidRows()) {
                String shown = new String(row, StandardCharsets.ISO_8859_1);
                InvalidRowException e = assertThrows(InvalidRowException.class, () -> w.appendJson(row, 0, row.length), shown);
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), shown);
            }
            assertTrue(Fixtures.activeFiles(dir).isEmpty(), "a rejected row must not even open a segment");
        }
        assertTrue(Fixtures.sealedFiles(dir).isEmpty(), "nothing may be written for rejected rows");
        assertTrue(Fixtures.activeFiles(dir).isEmpty());
    }

    @Test
    void rejectedRowsBetweenGoodOnesLeaveOnlyTheGoodOnes() throws Exception {
        List<String> good = new ArrayList<>();
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).build())) {
            StreamWriter w = spool.writer("events");
            int i = 0;
            for (byte[] row : invalidRows()) {
                String ok = "{\"ts\":" + (T0 + i) + ",\"n\":" + i++ + "}";
                Fixtures.appendJson(w, ok);
                good.add(ok);
                assertThrows(InvalidRowException.class, () -> w.appendJson(row, 0, row.length));
            }
        }
        assertEquals(good, Fixtures.allSealedLines(dir));
    }

    @Test
    void appendJsonTakesOnlyTheGivenSliceOfTheArray() throws Exception {
        byte[] buf = "garbage{\"ts\":1763773200000,\"k\":\"v\"}more garbage".getBytes(StandardCharsets.UTF_8);
        try (Spool spool = Spool.open(Fixtures.config(dir).build())) {
            spool.writer("events").appendJson(buf, 7, buf.length - 7 - 12);
        }
        assertEquals(List.of("{\"ts\":1763773200000,\"k\":\"v\"}"), Fixtures.allSealedLines(dir));
    }

    @Test
    void validUtf8AndEscapesPassThroughUnchanged() throws Exception {
        String row = "{\"ts\":1763773200000,\"msg\":\"caf\u00e9 \u65e5\u672c \ud83d\ude00 \\n \\\" \\u0000\",\"nested\":{\"a\":[1,2.5,null,true]}}";
        try (Spool spool = Spool.open(Fixtures.config(dir).build())) {
            Fixtures.appendJson(spool.writer("events"), row);
        }
        assertEquals(List.of(row), Fixtures.allSealedLines(dir));
    }

    @Test
    void prettyPrintedJsonStaysOneLine() throws Exception {
        String pretty = "{\n  \"ts\" : 1763773200000,\r\n  \"msg\" : \"two\\nlines\",\n\t\"labels\" : {\n    \"a\" : [ 1,\n 2 ]\n  }\n}\n";
        try (Spool spool = Spool.open(Fixtures.config(dir).build())) {
            StreamWriter w = spool.writer("events");
            Fixtures.appendJson(w, pretty);
            Fixtures.appendJson(w, "{\"ts\":1763773200001}");
        }
        List<String> lines = Fixtures.allSealedLines(dir);
        assertEquals(2, lines.size(), lines.toString());
        assertEquals(Fixtures.parse(pretty), Fixtures.parse(lines.get(0)), "the same object, on one line");
        assertEquals("two\nlines", Fixtures.parse(lines.get(0)).get("msg").asText());
        SegmentName n = SegmentName.parse(Fixtures.sealedFiles(dir).get(0).getFileName().toString());
        assertEquals(2, n.rows());
        assertEquals(T0, n.minTs());
        assertEquals(T0 + 1, n.maxTs());
    }

    @Test
    void eventTimeIsTheTopLevelTsOrTheAppendTime() throws Exception {
        long before = System.currentTimeMillis();
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).build())) {
            StreamWriter w = spool.writer("a");
            Fixtures.appendJson(w, "{\"inner\":{\"ts\":5},\"ts\":" + T0 + "}");
            Fixtures.appendJson(spool.writer("b"), "{\"inner\":{\"ts\":5},\"msg\":\"no ts\"}");
        }
        long after = System.currentTimeMillis();
        for (Path f : Fixtures.sealedFiles(dir)) {
            SegmentName n = SegmentName.parse(f.getFileName().toString());
            if (n.stream().equals("a")) {
                assertEquals(T0, n.minTs(), "a nested ts is not the event time");
            } else {
                assertTrue(n.minTs() >= before && n.maxTs() <= after, n.toString());
            }
        }
    }

    @Test
    void appendObjectFailingMidRowLeavesNothingBehind() throws Exception {
        List<String> good = new ArrayList<>();
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).build())) {
            StreamWriter w = spool.writer("events");
            for (int i = 0; i < 5; i++) {
                int n = i;
                w.appendObject(T0 + i, g -> {
                    g.writeNumberField("ts", T0 + n);
                    g.writeStringField("ok", "row" + n);
                });
                good.add("{\"ts\":" + (T0 + i) + ",\"ok\":\"row" + i + "\"}");
                // The callback throws after writing part of the row.
                assertThrows(IllegalStateException.class, () -> w.appendObject(T0, g -> {
                    g.writeStringField("half", "written");
                    g.writeArrayFieldStart("open");
                    throw new IllegalStateException("producer failed");
                }));
                // The callback leaves the object unbalanced.
                assertThrows(InvalidRowException.class, () -> w.appendObject(T0, g -> {
                    g.writeStringField("half", "written");
                    g.writeArrayFieldStart("never closed");
                }));
                // The callback fails with an I/O error of its own.
                assertThrows(InvalidRowException.class, () -> w.appendObject(T0, g -> {
                    g.writeStringField("half", "written");
                    throw new IOException("source went away");
                }));
            }
        }
        List<String> lines = Fixtures.allSealedLines(dir);
        assertEquals(good, lines);
        for (Path f : Fixtures.sealedFiles(dir)) assertTrue(Verifier.verify(f).ok(), Verifier.verify(f).problem());
    }

    @Test
    void appendObjectFailingOnTheFirstRowOfASegmentLeavesNothingBehind() throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).build())) {
            StreamWriter w = spool.writer("events");
            assertThrows(InvalidRowException.class, () -> w.appendObject(T0, g -> g.writeStartArray()));
            spool.flush();
        } // close must not fail on a segment that never got a row
        assertTrue(Fixtures.sealedFiles(dir).isEmpty());
        assertTrue(Fixtures.activeFiles(dir).isEmpty(), "no temp file may be left: " + Fixtures.activeFiles(dir));
        try (Spool spool = Spool.open(Fixtures.config(dir).build())) {
            assertTrue(spool.recovery().clean(), spool.recovery().toString());
        }
    }

    @Test
    void appendObjectWritesNestedFieldsAsOneLine() throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(dir).build())) {
            spool.writer("events").appendObject(T0, g -> {
                g.writeNumberField("ts", T0);
                g.writeObjectFieldStart("labels");
                g.writeStringField("msg", "line\nbreak \u00e9");
                g.writeEndObject();
                g.writeArrayFieldStart("xs");
                g.writeNumber(1.5);
                g.writeEndArray();
            });
        }
        List<String> lines = Fixtures.allSealedLines(dir);
        assertEquals(1, lines.size());
        JsonNode row = Fixtures.parse(lines.get(0));
        assertEquals("line\nbreak \u00e9", row.get("labels").get("msg").asText());
        assertEquals(1.5, row.get("xs").get(0).asDouble());
    }
}
