package dev.cistern.agent.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pages behind the appender and the tailers are given back: a cycle file's mappings keep little resident. */
class JournalPagesTest {
    private static final Path SMAPS = Path.of("/proc/self/smaps");
    /** A mapping's first line: its address range, then permissions, offset, device, inode and path. */
    private static final Pattern MAPPING = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");
    private static final long PAGE = 4096;
    private static final long STEP = 1 << 20;
    /**
     * What the appender keeps for the lanes ({@link JournalAppender#ADVICE_LAG}), a step behind that, the pages it maps
     * around its position (a fault maps a whole folio of the page cache: 2 MiB on ext4 with large folios), the header and
     * an index array; without the advice it is all 60 MB.
     */
    private static final long LITTLE_KIB = (JournalAppender.ADVICE_LAG >> 10) + (8 << 10);

    @TempDir Path dir;

    @Test
    void whatIsAdvisedIsWholePagesOfTheChunkBeforeThePositionAStepAtATime() {
        long start = 65L << 20;
        assertEquals(start, PagesBehind.adviseTo(start, start, start + STEP - 1, PAGE, STEP), "less than a step");
        assertEquals(start + STEP, PagesBehind.adviseTo(start, start, start + STEP + 100, PAGE, STEP));
        assertEquals(start + STEP, PagesBehind.adviseTo(start, start + STEP, start, PAGE, STEP), "behind what is advised");
        Random random = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            long from = start + random.nextInt(1 << 10) * PAGE;
            long position = start + random.nextInt(80 << 20);
            long to = PagesBehind.adviseTo(start, from, position, PAGE, STEP);
            assertTrue(to >= from, "never backwards");
            if (to == from) continue;
            assertEquals(0, (to - start) % PAGE, "a page boundary");
            assertTrue(to <= position && position - to < PAGE, "up to the position's page, not into it: " + to + " " + position);
            assertTrue(to - from >= STEP, "a step at least");
        }
    }

    @Test
    void aCycleFileKeepsLittleResidentBehindTheAppenderAndATailer() throws Exception {
        assumeTrue(PageAdvice.available() && Files.isReadable(SMAPS), "madvise and /proc/self/smaps (Linux)");
        byte[] body = new byte[100_000];
        new Random(7).nextBytes(body);
        int entries = 600; // 60 MB: within the first block (65 MiB at the default body limit), which stays mapped
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY")) {
            for (int i = 0; i < entries; i++) j.append(JournalEntry.Kind.NDJSON, "s", body, 0, body.length);
            long written = residentKiB();
            assertTrue(written < LITTLE_KIB, "KiB of the cycle file resident after 60 MB appended: " + written);
            assertTrue(written >= (JournalAppender.ADVICE_LAG - STEP) >> 10, "the pages the lanes read next are kept: " + written);
            int read = 0;
            try (JournalTailer t = j.tailer()) {
                t.seek(-1);
                for (JournalEntry e = t.next(); e != null; e = t.next()) {
                    assertArrayEquals(body, e.payload());
                    read++;
                }
                assertEquals(entries, read);
                long afterRead = residentKiB();
                assertTrue(afterRead < LITTLE_KIB, "KiB of the cycle file resident after 60 MB read: " + afterRead);
            }
        }
    }

    @Test
    void pastTheFirstBlockEachChunkKeepsLittleResidentToo() throws Exception {
        assumeTrue(PageAdvice.available() && Files.isReadable(SMAPS), "madvise and /proc/self/smaps (Linux)");
        byte[] body = new byte[100_000];
        new Random(8).nextBytes(body);
        int entries = 2_000; // 200 MB: three blocks and a part (65 MiB each), each chunk mapped with its overlap
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY")) {
            for (int i = 0; i < entries; i++) j.append(JournalEntry.Kind.NDJSON, "s", body, 0, body.length);
            long written = residentKiB();
            // without the chunk before's overlap given back: 21 MiB, 17 of them in the first chunk
            assertTrue(written < LITTLE_KIB, "KiB of the cycle file resident after 200 MB appended: " + written + mappings());
        }
    }

    /** Each mapping of the cycle file: its file offset (MiB) and resident KiB. */
    private String mappings() throws IOException {
        String prefix = dir.toRealPath().toString();
        StringBuilder sb = new StringBuilder();
        boolean ours = false;
        for (String line : Files.readAllLines(SMAPS)) {
            if (MAPPING.matcher(line).lookingAt()) {
                String[] f = line.trim().split("\\s+");
                ours = f.length >= 6 && f[5].startsWith(prefix) && f[5].endsWith(".cq4");
                if (ours) sb.append(" off=").append(Long.parseLong(f[2], 16) >> 20);
            } else if (ours && line.startsWith("Rss:")) {
                sb.append(" rss=").append(line.replaceAll("\\D", ""));
            }
        }
        return sb.toString();
    }

    /** Resident KiB of this process's mappings of the journal's cycle files. */
    private long residentKiB() throws IOException {
        String prefix = dir.toRealPath().toString();
        boolean ours = false;
        long kib = 0;
        for (String line : Files.readAllLines(SMAPS)) {
            if (MAPPING.matcher(line).lookingAt()) {
                String[] f = line.trim().split("\\s+");
                ours = f.length >= 6 && f[5].startsWith(prefix) && f[5].endsWith(".cq4");
            } else if (ours && line.startsWith("Rss:")) {
                kib += Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return kib;
    }
}
