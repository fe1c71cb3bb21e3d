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
}
