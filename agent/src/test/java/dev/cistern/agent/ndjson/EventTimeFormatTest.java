package dev.cistern.agent.ndjson;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cistern.spool.JsonLines;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventTimeFormatTest {
    private static final long BAD = JsonLines.BAD_TIME;
    private static final long T = 1_763_776_800_000L; // 2025-11-22T02:00:00Z

    private static long string(EventTimeFormat f, String text) {
        return f.parse(text.toCharArray(), 0, text.length(), true);
    }

    private static long number(EventTimeFormat f, String text) {
        return f.parse(text.toCharArray(), 0, text.length(), false);
    }

    @Test
    void rfc3339WithOffsetsAndFractions() {
        EventTimeFormat f = EventTimeFormat.RFC3339;
        assertEquals(T, string(f, "2025-11-22T02:00:00Z"));
        assertEquals(T, string(f, "2025-11-22t02:00:00z"));
        assertEquals(T, string(f, "2025-11-22 02:00:00Z"));
        assertEquals(T, string(f, "2025-11-22T03:00:00+01:00"));
        assertEquals(T, string(f, "2025-11-21T20:30:00-05:30"));
        assertEquals(T, string(f, "2025-11-22T02:00:00-00:00"));
        assertEquals(T + 123, string(f, "2025-11-22T02:00:00.123Z"));
        assertEquals(T + 100, string(f, "2025-11-22T02:00:00.1Z"));
        assertEquals(T + 123, string(f, "2025-11-22T02:00:00.123456789Z"), "cut to the millisecond");
        assertEquals(T + 999, string(f, "2025-11-22T02:00:00.9999999999999999999999Z"));
        assertEquals(T + 120, string(f, "2025-11-22T04:00:00.12+02:00"));
        assertEquals(0, string(f, "1970-01-01T00:00:00Z"));
        assertEquals(Instant.parse("2024-02-29T23:59:59Z").toEpochMilli(), string(f, "2024-02-29T23:59:59Z"));
        assertEquals(Instant.parse("2017-01-01T00:00:00Z").toEpochMilli(), string(f, "2016-12-31T23:59:60Z"), "leap second");
        assertEquals(Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli(), string(f, "9999-12-31T23:59:59.999Z"));
        assertEquals(Instant.parse("0001-01-01T00:00:00Z").toEpochMilli(), string(f, "0001-01-01T00:00:00Z"));
    }

    @Test
    void rfc3339RefusesWhatIsNotOne() {
        EventTimeFormat f = EventTimeFormat.RFC3339;
        for (String bad : new String[] {"", "2025-11-22", "2025-11-22T02:00:00", "2025-11-22T02:00Z", "2025-11-22T02:00:00+0100",
                "2025-11-22T02:00:00+01", "2025-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
                "2025-04-31T00:00:00Z", "2025-11-22T24:00:00Z", "2025-11-22T02:60:00Z", "2025-11-22T02:00:61Z",
                "2025-11-22T02:00:00.Z", "2025-11-22T02:00:00,5Z", "2025-11-22T02:00:00+24:00", "2025-11-22T02:00:00Zjunk",
                "2025-11-22X02:00:00Z", "+2025-11-22T02:00:00Z", "2025/11/22T02:00:00Z", "１２３４-11-22T02:00:00Z",
                "1763776800000", "garbage garbage garbage"}) {
            assertEquals(BAD, string(f, bad), bad);
        }
        assertEquals(BAD, number(f, "1763776800000"), "a number is not an RFC 3339 time");
    }

    @Test
    void rfc3339AgreesWithJavaTimeOnRandomInstantsAndOffsets() {
        SplittableRandom r = new SplittableRandom(16);
        DateTimeFormatter iso = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");
        for (int i = 0; i < 20_000; i++) {
            long ms = r.nextLong(Instant.parse("0001-01-02T00:00:00Z").toEpochMilli(), Instant.parse("9999-12-30T00:00:00Z").toEpochMilli());
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(r.nextInt(-18 * 60, 18 * 60 + 1) * 60);
            String text = OffsetDateTime.ofInstant(Instant.ofEpochMilli(ms), offset).format(iso);
            assertEquals(ms, string(EventTimeFormat.RFC3339, text), text);
        }
    }

    @Test
    void epochNumbersInEachUnitWithFractionsAndExponents() {
        assertEquals(T, number(EventTimeFormat.EPOCH_MS, "1763776800000"));
        assertEquals(T, number(EventTimeFormat.EPOCH_MS, "1763776800000.9"), "floor");
        assertEquals(T, number(EventTimeFormat.EPOCH_MS, "1.7637768e12"));
        assertEquals(T, string(EventTimeFormat.EPOCH_MS, "1763776800000"), "a string holding a number");
        assertEquals(T, number(EventTimeFormat.EPOCH_S, "1763776800"));
        assertEquals(T + 123, number(EventTimeFormat.EPOCH_S, "1763776800.123"), "exact: a double would give .122");
        assertEquals(T + 123, number(EventTimeFormat.EPOCH_S, "1763776800.123999999999999999999"));
        assertEquals(T + 500, number(EventTimeFormat.EPOCH_S, "1.7637768005E9"));
        assertEquals(T + 500, number(EventTimeFormat.EPOCH_S, "17637768005e-1"));
        assertEquals(T + 1, number(EventTimeFormat.EPOCH_US, "1763776800001999"));
        assertEquals(T + 1, number(EventTimeFormat.EPOCH_NS, "1763776800001999999"));
        assertEquals(0, number(EventTimeFormat.EPOCH_S, "0"));
        assertEquals(0, number(EventTimeFormat.EPOCH_S, "0.0001"));
        assertEquals(-1, number(EventTimeFormat.EPOCH_S, "-0.0001"), "floor goes down: out of the spool's range, not zero");
        assertEquals(0, number(EventTimeFormat.EPOCH_S, "0e999999999999"));
    }

    @Test
    void epochNumbersBeyondALongAreOutOfRangeNotUnparsable() {
        assertEquals(Long.MAX_VALUE, number(EventTimeFormat.EPOCH_MS, "99999999999999999999"));
        assertEquals(Long.MAX_VALUE, number(EventTimeFormat.EPOCH_S, "1e300"));
        long tooSmall = number(EventTimeFormat.EPOCH_MS, "-9223372036854775808");
        assertEquals(JsonLines.BAD_TIME + 1, tooSmall, "never one of JsonLines' markers");
        assertEquals(JsonLines.BAD_TIME + 1, number(EventTimeFormat.EPOCH_MS, "-9223372036854775807"));
    }

    @Test
    void epochNumbersRefuseGarbage() {
        for (String bad : new String[] {"", "-", "abc", "1.", ".5", "1e", "1e+", "--1", "1 ", " 1", "0x10", "1,5", "NaN", "Infinity",
                "1.2.3", "12abc", "1763776800000Z"}) {
            assertEquals(BAD, string(EventTimeFormat.EPOCH_MS, bad), bad);
            assertEquals(BAD, string(EventTimeFormat.EPOCH_S, bad), bad);
        }
    }

    @Test
    void autoPicksRfc3339OrTheUnitBySize() {
        EventTimeFormat f = EventTimeFormat.AUTO;
        assertEquals(T + 250, string(f, "2025-11-22T02:00:00.25Z"));
        assertEquals(T + 250, number(f, "1763776800.25"));
        assertEquals(T, number(f, "1763776800000"));
        assertEquals(T, number(f, "1763776800000000"));
        assertEquals(T, number(f, "1763776800000000000"));
        assertEquals(T, string(f, "1763776800000000000"));
        assertEquals(0, number(f, "0"));
        assertEquals(BAD, string(f, "yesterday"));
        assertEquals(BAD, string(f, "2025-11-22T02:00:00"));
    }

    @Test
    void readsTheConfiguredFieldFromARowInOnePass() {
        byte[] row = "{\"ts\":5,\"@timestamp\":\"2025-11-22T02:00:00Z\",\"nested\":{\"@timestamp\":\"x\"}}".getBytes(StandardCharsets.UTF_8);
        assertEquals(T, JsonLines.validate(row, 0, row.length, "@timestamp", EventTimeFormat.RFC3339, 64));
        assertEquals(5, JsonLines.validate(row, 0, row.length, "ts", EventTimeFormat.EPOCH_MS, 64));
        assertEquals(JsonLines.NO_TIME, JsonLines.validate(row, 0, row.length, "time", EventTimeFormat.AUTO, 64));
        byte[] floats = "{\"t\":1763776800.123,\"u\":1.7637768E9}".getBytes(StandardCharsets.UTF_8);
        assertEquals(T + 123, JsonLines.validate(floats, 0, floats.length, "t", EventTimeFormat.EPOCH_S, 64), "a JSON number's own text");
        assertEquals(T, JsonLines.validate(floats, 0, floats.length, "u", EventTimeFormat.EPOCH_S, 64));
        byte[] odd = "{\"time\":{\"s\":1},\"t2\":null,\"t3\":[1],\"t4\":true}".getBytes(StandardCharsets.UTF_8);
        for (String field : new String[] {"time", "t2", "t3", "t4"}) {
            assertEquals(BAD, JsonLines.validate(odd, 0, odd.length, field, EventTimeFormat.AUTO, 64), field);
        }
    }

    @Test
    void theRefusalShowsTheValueAsSentShortened() {
        EventTime t = new EventTime("@timestamp", EventTimeFormat.RFC3339, EventTime.OnUnparsable.REJECT);
        byte[] row = ("{\"a\":{\"@timestamp\":1},\"@timestamp\":\"yesterday\"}").getBytes(StandardCharsets.UTF_8);
        assertEquals("\"yesterday\"", t.shownValue(row, 0, row.length));
        byte[] longOne = ("{\"@timestamp\":\"" + "x".repeat(100) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertEquals("\"" + "x".repeat(39) + "...", t.shownValue(longOne, 0, longOne.length));
        byte[] obj = "{\"@timestamp\":{\"s\":1}}".getBytes(StandardCharsets.UTF_8);
        assertEquals("an object", t.shownValue(obj, 0, obj.length));
    }
}
