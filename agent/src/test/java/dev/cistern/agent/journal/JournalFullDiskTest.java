package dev.cistern.agent.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.testkit.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal on a real full disk (a small tmpfs): appends fail with {@link JournalFullException},
 * never with a fault of the memory-mapped file, and every append that returned reads back whole.
 */
class JournalFullDiskTest {
    @TempDir Path dir;

    @Test
    void aFullDiskFailsAppendsCleanlyAndKeepsEveryAppendedEntry() throws Exception {
        fillAndCheck("FIVE_MINUTELY", 0);
    }

    @Test
    void soAcrossCycleRolls() throws Exception {
        fillAndCheck("TEST_SECONDLY", 5); // a new cycle file every second while the disk fills, for about 5 s
    }

    private void fillAndCheck(String rollCycle, long pauseMillis) throws Exception {
        try (Tmpfs tmpfs = Tmpfs.mount(dir.resolve("tmpfs"), "24m", "JournalFullDiskTest")) {
            Path journalDir = tmpfs.path().resolve("journal");
            Path ballast = tmpfs.path().resolve("ballast");
            SplittableRandom rnd = new SplittableRandom(7);
            List<byte[]> appended = new ArrayList<>();
            List<Long> indexes = new ArrayList<>();
            int refused = 0;
            long cycles;
            Files.write(ballast, new byte[2 << 20]); // deleted at the end: space that comes back
            try (Journal j = Journal.open(journalDir, rollCycle)) {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (refused < 20) {
                    assertTrue(System.nanoTime() < deadline,
                            "still appending after 2 minutes: " + appended.size() + " appended, " + refused + " refused");
                    if (pauseMillis > 0) Thread.sleep(pauseMillis);
                    byte[] p = new byte[8 + rnd.nextInt(48 << 10)]; // incompressible, none of it zero-filled
                    rnd.nextBytes(p);
                    try {
                        indexes.add(j.append(JournalEntry.Kind.NDJSON, "blobs", p, 0, p.length));
                        appended.add(p);
                    } catch (JournalFullException full) {
                        refused++;
                    }
                }
                assertTrue(refused > 0, "the disk never filled");
                try (var files = Files.list(journalDir)) {
                    cycles = files.filter(f -> f.toString().endsWith(".cq4")).count();
                }
                // refused by allocation or the free-space check, never by a fault caught in the write
                assertEquals(0, j.faults(), "appends that hit a fault of the mapped file");
                assertTrue(appended.size() > 50, "too little was appended to mean anything: " + appended.size());

                try (JournalTailer r = j.tailer()) {
                    r.seek(-1);
                    for (int i = 0; i < appended.size(); i++) {
                        JournalEntry e = r.next();
                        assertNotNull(e, "entry " + indexes.get(i) + " (" + i + " of " + appended.size() + ") is gone");
                        assertEquals(indexes.get(i), e.index());
                        assertEquals(JournalEntry.Kind.NDJSON, e.kind(), "entry " + e.index() + " is torn");
                        assertArrayEquals(appended.get(i), e.payload(), "entry " + e.index() + " is torn");
                    }
                }
                // space comes back: appends work again
                Files.deleteIfExists(ballast);
                byte[] after = "after the disk had room again".getBytes();
                String refusal = null;
                for (int attempt = 0; attempt < 50; attempt++) {
                    try {
                        j.append(JournalEntry.Kind.NDJSON, "blobs", after, 0, after.length);
                        refusal = null;
                        break;
                    } catch (JournalFullException stillFull) {
                        refusal = stillFull.getMessage();
                        Thread.sleep(20);
                    }
                }
                assertEquals(null, refusal, "no append after space came back");
            }
            System.out.println("JournalFullDiskTest " + rollCycle + ": appended " + appended.size() + ", refused " + refused
                    + ", cycle files " + cycles);
        }
    }
}
