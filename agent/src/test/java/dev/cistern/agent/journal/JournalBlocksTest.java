package dev.cistern.agent.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chronicle's block size follows the body limit, the largest body fits, and a larger entry is refused cleanly. */
class JournalBlocksTest {
    private static final String LONGEST_STREAM = "s".repeat(64);

    @TempDir Path dir;

    @Test
    void theBlockHoldsFourOfTheLargestEntriesInWholeMiB() {
        assertEquals(65L << 20, JournalBlocks.forBody(16L << 20)); // 4 x (16 MiB + frame), rounded up
        assertEquals(17L << 20, JournalBlocks.forBody(4L << 20)); // edge.yaml
        assertEquals(JournalBlocks.FLOOR, JournalBlocks.forBody(1024));
        for (long body : new long[] {1024, 1L << 20, 3_000_000, 4L << 20, 16L << 20, 100L << 20}) {
            long entry = EntryFormat.maxBytes(LONGEST_STREAM, (int) body);
            assertEquals(true, JournalBlocks.maxEntryBytes(JournalBlocks.forBody(body)) >= entry, "body " + body);
        }
    }

    @Test
    void theJournalIsMappedInBlocksSizedForItsBodyLimit() throws Exception {
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY", false, 4L << 20)) {
            assertEquals((17L << 20) / 4, j.maxEntryBytes());
        }
    }

    @Test
    void theLargestBodyOfTheDefaultLimitJournalsAndReadsBack() throws Exception {
        // 16 MiB plus the entry's frame is more than Chronicle's default 64 MiB block takes (16 MiB of overlap)
        byte[] body = random(16 << 20, 1);
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY")) {
            long index = j.append(JournalEntry.Kind.NDJSON, LONGEST_STREAM, body, 0, body.length);
            try (JournalTailer t = j.tailer()) {
                t.seek(index);
                JournalEntry e = t.next();
                assertEquals(index, e.index());
                assertEquals(LONGEST_STREAM, e.stream());
                assertArrayEquals(body, e.payload());
            }
        }
    }

    @Test
    void anEntryOverTheLimitIsRefusedAndLeavesNothingTorn() throws Exception {
        byte[] small = random(1000, 2);
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY", false, 1L << 20)) {
            long first = j.append(JournalEntry.Kind.NDJSON, "s", small, 0, small.length);
            byte[] big = random((int) j.maxEntryBytes(), 3);
            assertThrows(EntryTooLargeException.class, () -> j.append(JournalEntry.Kind.NDJSON, "s", big, 0, big.length));
            long next = j.append(JournalEntry.Kind.NDJSON, "s", small, 0, small.length);
            assertEquals(first + 1, next, "the refused entry took no index");
            try (JournalTailer t = j.tailer()) {
                t.seek(first);
                assertArrayEquals(small, t.next().payload());
                assertEquals(next, t.next().index());
                assertNull(t.next());
            }
        }
    }

    @Test
    void aRestartWithAnotherBodyLimitReadsWhatIsThereAndAppendsAfterIt() throws Exception {
        List<byte[]> written = new ArrayList<>();
        long[] limits = {16L << 20, 1024, 4L << 20, 16L << 20};
        int seed = 10;
        for (long limit : limits) {
            try (Journal j = Journal.open(dir, "FIVE_MINUTELY", false, limit)) {
                assertAllThere(j, written);
                // an entry as large as this limit allows, and small ones after it, across the blocks of this mapping
                int largest = (int) Math.min(limit, j.maxEntryBytes() - EntryFormat.maxBytes("s", 0));
                for (int size : new int[] {largest, 100, 70_000, largest}) {
                    byte[] p = random(size, seed++);
                    j.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length);
                    written.add(p);
                }
                assertAllThere(j, written);
            }
        }
    }

    private static void assertAllThere(Journal j, List<byte[]> written) {
        try (JournalTailer t = j.tailer()) {
            t.seek(-1);
            for (byte[] p : written) assertArrayEquals(p, t.next().payload());
            assertNull(t.next());
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
