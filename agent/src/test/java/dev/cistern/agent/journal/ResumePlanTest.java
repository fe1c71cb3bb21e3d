package dev.cistern.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.spool.SegmentName;
import dev.cistern.spool.SpoolLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumePlanTest {
    @TempDir Path dir;
    private int ids;

    private void sealed(String stream, long source) throws Exception {
        SpoolLayout layout = new SpoolLayout(dir);
        SegmentName n = new SegmentName(stream, 1, 2, 1, 10, 1, String.format("%020x", ids++), source);
        Path p = layout.sealedPath(n);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
    }

    @Test
    void emptySpoolReplaysTheWholeJournal() throws Exception {
        ResumePlan p = ResumePlan.fromSealedOutput(new SpoolLayout(dir), Set.of());
        assertEquals(-1, p.resumeAt());
        assertFalse(p.alreadySealed("a", 0));
    }

    @Test
    void aStreamSealedJustBeforeTheCrashEntryStillGetsThatEntry() throws Exception {
        // entry 10 was written for stream a (and sealed) but the crash came before stream b's turn;
        // b's previous segment was sealed at 9, so b had no open segment and no temp file
        sealed("a", 10);
        sealed("b", 9);
        ResumePlan p = ResumePlan.fromSealedOutput(new SpoolLayout(dir), Set.of());
        assertEquals(10, p.resumeAt());
        assertTrue(p.alreadySealed("a", 10));
        assertFalse(p.alreadySealed("b", 10), "b's rows of entry 10 were never written");
        assertTrue(p.alreadySealed("b", 9));
        assertTrue(p.alreadySealed("c", 9), "a stream with no files and no temp had nothing before 10");
        assertFalse(p.alreadySealed("c", 10));
    }

    @Test
    void aDiscardedStreamResumesFromItsOwnPosition() throws Exception {
        sealed("a", 50);
        sealed("b", 20);
        ResumePlan p = ResumePlan.fromSealedOutput(new SpoolLayout(dir), Set.of("b"));
        assertEquals(21, p.resumeAt());
        assertFalse(p.alreadySealed("b", 21));
        assertTrue(p.alreadySealed("a", 49));
        assertTrue(p.alreadySealed("a", 50));
    }

    @Test
    void uploadedFilesCountAsSealed() throws Exception {
        SpoolLayout layout = new SpoolLayout(dir);
        SegmentName n = new SegmentName("a", 1, 2, 1, 10, 1, String.format("%020x", 7), 99);
        Path p = layout.uploadedPath(n);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
        assertTrue(ResumePlan.fromSealedOutput(layout, Set.of()).alreadySealed("a", 99));
    }

    @Test
    void eachLaneResumesFromItsOwnPosition() throws Exception {
        // two lanes: even entries in lane 0, odd in lane 1; lane 1 had fallen behind lane 0
        sealed("a", 10);
        sealed("a", 7);
        ResumePlan p = ResumePlan.fromSealedOutput(new SpoolLayout(dir), Set.of(), new Lanes(2));
        assertEquals(10, p.resumeAt(0));
        assertEquals(7, p.resumeAt(1));
        assertTrue(p.alreadySealed("a", 8));
        assertTrue(p.alreadySealed("a", 7));
        assertFalse(p.alreadySealed("a", 9), "lane 1 never wrote entry 9, though lane 0 sealed entry 10");
        assertFalse(p.alreadySealed("a", 12));
        assertTrue(p.alreadySealed("b", 8), "nothing of lane 0 before 10 is missing for a stream with no temp file");
        assertFalse(p.alreadySealed("b", 10));
        assertFalse(p.alreadySealed("b", 7), "entry 7, lane 1's highest, may have been written for stream a only");
        assertTrue(p.alreadySealed("b", 5));
    }

    @Test
    void aDiscardedStreamResumesFromItsOwnPositionInEveryLane() throws Exception {
        sealed("a", 40);
        sealed("a", 31);
        sealed("b", 20);
        ResumePlan p = ResumePlan.fromSealedOutput(new SpoolLayout(dir), Set.of("b"), new Lanes(2));
        assertEquals(21, p.resumeAt(0));
        assertEquals(-1, p.resumeAt(1), "b has nothing sealed from lane 1");
        assertTrue(p.alreadySealed("b", 20));
        assertFalse(p.alreadySealed("b", 22));
        assertFalse(p.alreadySealed("b", 1));
        assertTrue(p.alreadySealed("a", 29));
        assertTrue(p.alreadySealed("a", 38));
    }
}
