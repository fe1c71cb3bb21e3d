package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentNameTest {
    private static final String ID = "0192f3a4b5c6d7e8f9a0";

    @TempDir Path dir;

    @Test
    void fileNameRoundTripsThroughParse() {
        Random rnd = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            long a = rnd.nextLong();
            long b = rnd.nextLong();
            String stream = rnd.nextBoolean() ? "metrics" : "cost-2_x";
            SegmentName n = new SegmentName(stream, Math.min(a, b), Math.max(a, b), rnd.nextLong() & Long.MAX_VALUE,
                    rnd.nextLong() & Long.MAX_VALUE, SegmentName.FORMAT_VERSION, SegmentName.newId(rnd.nextLong()));
            assertEquals(n, SegmentName.parse(n.fileName()));
            assertEquals(n, SegmentName.tryParse(n.fileName()));
        }
    }

    @Test
    void fileNameFollowsTheDocumentedGrammar() {
        SegmentName n = new SegmentName("metrics", T0, T0 + 15_000, 2, 300, 1, ID);
        assertEquals("metrics.1763773200000.1763773215000.2.300.v1.0192f3a4b5c6d7e8f9a0.json.br", n.fileName());
    }

    @Test
    void newIdsAreTwentyLowercaseHexDigitsAndUnique() {
        Set<String> seen = new HashSet<>();
        long now = System.currentTimeMillis();
        // 32 random bits per millisecond: a spool makes a handful of segments in one millisecond, not millions.
        for (int i = 0; i < 256; i++) {
            String id = SegmentName.newId(now);
            assertTrue(id.matches("[0-9a-f]{20}"), id);
            assertTrue(seen.add(id), "duplicate id " + id);
        }
        for (int i = 0; i < 1000; i++) {
            assertTrue(SegmentName.newId(now + i).compareTo(SegmentName.newId(now + i + 1)) < 0, "ids sort by creation time");
        }
        assertTrue(SegmentName.newId(now).startsWith(String.format("%012x", now)));
    }

    @Test
    void noPartitionIsNamedOutside1970To9999() {
        for (long ts : new long[] {-1, Long.MIN_VALUE, Long.MAX_VALUE, SegmentName.MAX_TS + 1}) {
            assertThrows(IllegalArgumentException.class, () -> SegmentName.partitionOf(ts), "ts " + ts);
        }
    }

    @Test
    void partitionComesFromMinTsInUtc() {
        TimeZone saved = TimeZone.getDefault();
        try {
            // A zone far from UTC must not move the partition.
            TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
            assertEquals("dt=2025-11-22/hour=01", SegmentName.partitionOf(T0));
            assertEquals("dt=2025-11-22/hour=00", SegmentName.partitionOf(T0 - 1));
            assertEquals("dt=1970-01-01/hour=00", SegmentName.partitionOf(0));
            assertEquals("dt=9999-12-31/hour=23", SegmentName.partitionOf(SegmentName.MAX_TS));
            assertEquals("dt=2024-02-29/hour=23", SegmentName.partitionOf(1709251199999L));
            // A segment spanning midnight lives where its first row does.
            SegmentName n = new SegmentName("metrics", 1709251199999L, 1709251200000L + 7_200_000, 2, 10, 1, ID);
            assertEquals("dt=2024-02-29/hour=23", n.partition());
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void sealedFileLandsInItsStreamAndPartition() throws Exception {
        Series s = Series.of("up", Labels.EMPTY);
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).build())) {
            StreamWriter w = spool.writer("cost");
            w.append(s, T0 + 3_599_999, 1); // 01:59:59.999
            w.append(s, T0 + 3_600_000, 1); // 02:00 — the next hour, same segment
        }
        List<Path> files = Fixtures.sealedFiles(dir);
        assertEquals(1, files.size());
        Path expected = dir.resolve("sealed/cost/dt=2025-11-22/hour=01");
        assertEquals(expected.toAbsolutePath().normalize(), files.get(0).getParent().toAbsolutePath().normalize());
        SegmentName n = SegmentName.parse(files.get(0).getFileName().toString());
        assertEquals("cost", n.stream());
        assertEquals(T0 + 3_599_999, n.minTs());
        assertEquals(T0 + 3_600_000, n.maxTs());
        assertEquals(2, n.rows());
        assertTrue(Files.size(files.get(0)) > 0);
        assertEquals(new SpoolLayout(dir).sealedPath(n), files.get(0).toAbsolutePath().normalize());
    }

    @Test
    void tryParseRejectsBadNames() {
        List<String> bad = List.of(
                "",
                "metrics.json.br",
                "Metrics.1.2.3.4.v1." + ID + ".json.br",                 // uppercase stream
                "../x.1.2.3.4.v1." + ID + ".json.br",                    // path in the stream
                "a/b.1.2.3.4.v1." + ID + ".json.br",
                "metrics.2.1.3.4.v1." + ID + ".json.br",                 // minTs after maxTs
                "metrics.1.2.-3.4.v1." + ID + ".json.br",                // negative rows
                "metrics.1.2.3.-4.v1." + ID + ".json.br",                // negative bytes
                "metrics.1.2.3.4.1." + ID + ".json.br",                  // no 'v'
                "metrics.1.2.3.4.v1.0192F3A4B5C6D7E8F9A0.json.br",       // uppercase id
                "metrics.1.2.3.4.v1.0192f3a4b5c6d7e8f9a.json.br",        // short id
                "metrics.1.2.3.4.v1." + ID + ".json.br.tmp",             // a temp file
                "metrics.1.2.3.4.v1." + ID + ".json",
                "metrics.1.2.3.v1." + ID + ".json.br",                   // a field missing
                "metrics.1.2.3.4.v1." + ID + ".json.br ",
                "metrics.99999999999999999999.99999999999999999999.3.4.v1." + ID + ".json.br", // too many digits
                "metrics.1.9999999999999999999.3.4.v1." + ID + ".json.br", // 19 digits, over Long.MAX_VALUE
                "x".repeat(65) + ".1.2.3.4.v1." + ID + ".json.br");      // stream too long
        for (String name : bad) {
            assertNull(SegmentName.tryParse(name), name);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SegmentName.parse(name));
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void overlapsIsHalfOpenOnTheQueryRange() {
        SegmentName n = new SegmentName("m", 100, 200, 2, 10, 1, ID);
        assertTrue(n.overlaps(200, 300), "maxTs equal to from overlaps");
        assertFalse(n.overlaps(201, 300));
        assertFalse(n.overlaps(0, 100), "to is exclusive: minTs equal to to does not overlap");
        assertTrue(n.overlaps(0, 101));
        assertTrue(n.overlaps(150, 151));
        assertTrue(n.overlaps(Long.MIN_VALUE, Long.MAX_VALUE));
    }

    @Test
    void constructorRejectsImpossibleNames() {
        assertThrows(IllegalArgumentException.class, () -> new SegmentName("m", 2, 1, 1, 1, 1, ID));
        assertThrows(IllegalArgumentException.class, () -> new SegmentName("../m", 1, 2, 1, 1, 1, ID));
        assertThrows(IllegalArgumentException.class, () -> new SegmentName("m", 1, 2, -1, 1, 1, ID));
    }
}
