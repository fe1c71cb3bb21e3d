package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalProgressTest {
    private static final Series SERIES = Series.of("up", Labels.of("job", "node"));

    @TempDir Path dir;

    private JournalFedSpool open() throws Exception {
        return JournalFedSpool.open(Fixtures.config(dir).build(), 2);
    }

    private static void entry(JournalFedSpool fed, String stream, long index) throws Exception {
        fed.batch(stream, index, (int) (index % 2), sink -> sink.append(SERIES, T0 + index, index));
    }

    private Path ledger() {
        return dir.resolve("journal-progress.json");
    }

    private static void deleteAll(List<Path> files) throws Exception {
        for (Path f : files) Files.delete(f);
    }

    @Test
    void recordsEachStreamsHighestSealedIndexPerLaneAndSurvivesTheirDeletion() throws Exception {
        JournalFedSpool fed = open();
        try (Spool spool = fed.spool()) {
            entry(fed, "a", 10);
            entry(fed, "a", 11);
            entry(fed, "b", 12);
            fed.spool().sealAll();
            fed.recordCompleteThrough(new long[] {8, 9});
        }
        deleteAll(Fixtures.sealedFiles(dir)); // uploaded with after: delete, or dropped by retention
        JsonNode json = Fixtures.JSON.readTree(Files.readString(ledger()));
        assertEquals(1, json.get("format").asInt());
        assertEquals("[8,9]", json.get("complete_through").toString());
        assertEquals("[10,11]", json.get("sealed_through").get("a").toString());
        assertEquals("[12,-1]", json.get("sealed_through").get("b").toString());
        fed = open();
        try (Spool spool = fed.spool()) {
            JournalProgress.Snapshot s = fed.progress();
            assertArrayEquals(new long[] {10, 11}, s.sealedThrough().get("a"));
            assertArrayEquals(new long[] {12, -1}, s.sealedThrough().get("b"));
            assertArrayEquals(new long[] {8, 9}, s.completeThrough());
            assertEquals(0, fed.spool().metrics().progressDamaged());
        }
    }

    @Test
    void isWrittenBeforeTheSealedEventIsPublished() throws Exception {
        List<String> seenOnDisk = new ArrayList<>();
        JournalFedSpool fed = open();
        try (Spool spool = fed.spool()) {
            fed.spool().onSealed(s -> {
                try {
                    seenOnDisk.add(Fixtures.JSON.readTree(Files.readString(ledger())).get("sealed_through").toString());
                } catch (Exception e) {
                    seenOnDisk.add(e.toString());
                }
            });
            entry(fed, "a", 4);
            fed.spool().sealAll();
            entry(fed, "a", 7);
            fed.spool().sealAll();
        }
        assertEquals(List.of("{\"a\":[4,-1]}", "{\"a\":[4,7]}"), seenOnDisk);
    }

    @Test
    void aTornFileMeansNoLedgerAndIsCountedAndRewrittenFromTheNames() throws Exception {
        JournalFedSpool fed = open();
        try (Spool spool = fed.spool()) {
            entry(fed, "a", 20);
        }
        String whole = Files.readString(ledger());
        Files.writeString(ledger(), whole.substring(0, whole.length() / 2)); // torn mid-write (no rename would do this)
        fed = open();
        try (Spool spool = fed.spool()) {
            assertEquals(1, fed.spool().metrics().progressDamaged());
            assertArrayEquals(new long[] {20, -1}, fed.progress().sealedThrough().get("a"), "read back from the sealed name");
        }
        Files.writeString(ledger(), "{\"format\":1,\"lanes\":3,\"complete_through\":[1,2,3],\"sealed_through\":{}}");
        fed = open();
        try (Spool spool = fed.spool()) {
            assertEquals(1, fed.spool().metrics().progressDamaged(), "written for another lane count: not used");
            assertArrayEquals(new long[] {-1, -1}, fed.progress().completeThrough());
        }
        assertEquals("[20,-1]", Fixtures.JSON.readTree(Files.readString(ledger())).get("sealed_through").get("a").toString());
    }

    @Test
    void aMissingFileIsRebuiltFromSealedAndUploadedNamesAndATempFileIsDropped() throws Exception {
        JournalFedSpool fed = open();
        try (Spool spool = fed.spool()) {
            entry(fed, "a", 20);
            entry(fed, "a", 31);
        }
        Files.delete(ledger());
        Files.writeString(dir.resolve("journal-progress.json.tmp"), "{\"form"); // a crash mid-write
        Path moved = Fixtures.sealedFiles(dir).get(0);
        SegmentName n = SegmentName.parse(moved.getFileName().toString());
        Path to = new SpoolLayout(dir).uploadedPath(n);
        Files.createDirectories(to.getParent());
        Files.move(moved, to);
        fed = open();
        try (Spool spool = fed.spool()) {
            assertArrayEquals(new long[] {20, 31}, fed.progress().sealedThrough().get("a"));
            assertEquals(0, fed.spool().metrics().progressDamaged());
        }
        assertTrue(Files.exists(ledger()));
        assertFalse(Files.exists(dir.resolve("journal-progress.json.tmp")));
    }

    @Test
    void completeThroughNeverGoesBack() throws Exception {
        JournalFedSpool fed = open();
        try (Spool spool = fed.spool()) {
            fed.recordCompleteThrough(new long[] {40, 41});
            fed.recordCompleteThrough(new long[] {30, 45});
            assertArrayEquals(new long[] {40, 45}, fed.progress().completeThrough());
        }
    }

    @Test
    void aFileIsSettledOnlyOnceTheLedgerOnDiskCoversIt() throws Exception {
        JournalFedSpool fed = open();
        try (Spool spool = fed.spool()) {
            Files.createDirectory(dir.resolve("journal-progress.json.tmp")); // every write of the ledger fails
            entry(fed, "a", 6);
            fed.spool().sealAll();
            SegmentName n = SegmentName.parse(Fixtures.sealedFiles(dir).get(0).getFileName().toString());
            assertFalse(fed.spool().isSettled(n), "the ledger on disk does not have it");
            assertTrue(fed.spool().metrics().progressWriteFailures() > 0);
            assertTrue(fed.spool().isSettled(new SegmentName("a", T0, T0, 1, 1, 1, "0".repeat(20))), "not from the journal");
            Files.delete(dir.resolve("journal-progress.json.tmp"));
            Thread.sleep(1100); // retries at most once a second
            assertTrue(fed.spool().isSettled(n), "retried and written");
            assertTrue(Files.readString(ledger(), StandardCharsets.UTF_8).contains("\"a\":[6,-1]"));
        }
    }

    /** A journal source with id {@code id} that owns every name with a journal index up to {@code end}. */
    private static JournalSource source(String id, boolean adopts, long end) {
        return new JournalSource() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public boolean adoptsUnmarkedLedger() {
                return adopts;
            }

            @Override
            public boolean owns(SegmentName name) {
                return name.source() <= end;
            }
        };
    }

    @Test
    void aLedgerOfAnotherJournalIsIgnoredAndRewrittenForThisOne() throws Exception {
        JournalFedSpool fed = JournalFedSpool.open(Fixtures.config(dir).build(), 2, source("aaaa", true, 100));
        try (Spool spool = fed.spool()) {
            entry(fed, "a", 10);
            fed.spool().sealAll();
            fed.recordCompleteThrough(new long[] {8, 9});
        }
        assertEquals("aaaa", Fixtures.JSON.readTree(Files.readString(ledger())).get("journal").asText());
        deleteAll(Fixtures.sealedFiles(dir));
        fed = JournalFedSpool.open(Fixtures.config(dir).build(), 2, source("bbbb", true, 100));
        try (Spool spool = fed.spool()) {
            assertArrayEquals(new long[] {-1, -1}, fed.progress().completeThrough(), "journal aaaa's ledger is not bbbb's");
            assertTrue(fed.progress().sealedThrough().isEmpty());
            assertEquals(1, spool.metrics().progressDamaged(), "counted");
        }
        assertEquals("bbbb", Fixtures.JSON.readTree(Files.readString(ledger())).get("journal").asText());
    }

    @Test
    void aNameTheJournalDoesNotOwnNeverEntersTheLedgerAndIsSettled() throws Exception {
        JournalFedSpool fed = JournalFedSpool.open(Fixtures.config(dir).build(), 2, source("aaaa", true, 11));
        try (Spool spool = fed.spool()) {
            entry(fed, "a", 10);
            entry(fed, "a", 13); // past the journal's end, as a stray name would be
            fed.spool().sealAll();
            assertArrayEquals(new long[] {10, -1}, fed.progress().sealedThrough().get("a"));
            for (Path f : Fixtures.sealedFiles(dir)) {
                assertTrue(spool.isSettled(SegmentName.parse(f.getFileName().toString())), "deletable: " + f);
            }
        }
    }

    @Test
    void aStreamWhoseTempFileWasDiscardedIsOwedItsEntriesUntilItHasSealedPastThem() throws Exception {
        JournalFedSpool fed = open();
        try (Spool spool = fed.spool()) {
            entry(fed, "metrics", 3);
            entry(fed, "odd", 11);
            fed.spool().sealAll();
        }
        Path temp = dir.resolve("active").resolve("metrics.0123456789abcdef0123.json.br.tmp"); // killed holding entry 9
        Files.write(temp, new byte[] {1});
        fed = open();
        try (Spool spool = fed.spool()) {
            assertEquals(Set.of("metrics"), fed.spool().recovery().discardedStreams());
            assertFalse(Files.exists(temp));
            assertArrayEquals(new long[] {-1, 11}, fed.progress().replaying().get("metrics"), "owed lane 1 through 11");
        }
        assertEquals("{\"metrics\":[-1,11]}", Fixtures.JSON.readTree(Files.readString(ledger())).get("replaying").toString(),
                "on disk before the temp file went");
        fed = open(); // killed again before metrics wrote anything: no temp file this time
        try (Spool spool = fed.spool()) {
            assertEquals(Set.of(), fed.spool().recovery().discardedStreams());
            assertArrayEquals(new long[] {-1, 11}, fed.progress().replaying().get("metrics"), "still owed");
            entry(fed, "metrics", 13);
            fed.spool().sealAll();
            assertEquals(Set.of(), fed.progress().replaying().keySet(), "sealed past 11");
        }
        assertFalse(Fixtures.JSON.readTree(Files.readString(ledger())).has("replaying"));
        Files.write(dir.resolve("active").resolve("odd.0123456789abcdef0124.json.br.tmp"), new byte[] {1});
        fed = open();
        try (Spool spool = fed.spool()) {
            assertArrayEquals(new long[] {-1, 13}, fed.progress().replaying().get("odd"));
            fed.recordCompleteThrough(new long[] {-1, 13});
            assertEquals(Set.of(), fed.progress().replaying().keySet(), "every stream sealed through 13");
        }
    }
}
