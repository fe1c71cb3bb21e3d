package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool is listed (by a scan, by opening it, by the stats) while an uploader in another process moves its sealed
 * files to {@code uploaded/}: a file that goes between the directory read and its stat is found where it went, and
 * never fails the listing; its rows are read where it went. CI once failed a spool's open on one such file, and a
 * scan left out every file of a stream whose directory changed as it was walked.
 */
class ListingWhileUploadingTest {
    static final int FILES = 400;
    @TempDir Path dir;

    @Test
    void everyListingSeesEachFileOnceWhileTheyMove() throws Exception {
        List<SealedSegment> segs = seal();
        Thread mover = startMoving(segs, new AtomicReference<>());
        int listings = 0;
        while (mover.isAlive() || listings < 3) {
            assertEquals(FILES, Scanner.of(dir).segments(ScanQuery.all()).size(), "listing " + listings);
            assertEquals(FILES, SpoolStats.of(dir).total().files());
            Scanner.Summary scan = Scanner.of(dir).scanBytes(ScanQuery.all(), (stream, b, off, len) -> true);
            assertEquals(FILES, scan.matched(), "rows of files moved between listing and reading are read where they went");
            assertEquals(List.of(), scan.problems());
            if (listings % 4 == 0) {
                SpoolStats.Deep deep = SpoolStats.deep(dir);
                assertEquals(FILES, deep.byContent().total().rows());
                assertEquals(List.of(), deep.problems());
            }
            listings++;
        }
        mover.join();
    }

    @Test
    void aSpoolOpensWhileItsFilesMove() throws Exception {
        List<SealedSegment> segs = seal();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread mover = startMoving(segs, failed);
        int opens = 0;
        while (mover.isAlive() || opens < 3) {
            try (Spool s = Spool.open(Fixtures.config(dir).build())) {
                assertEquals(0, s.recovery().events().size(), s.recovery().toString());
            }
            opens++;
        }
        mover.join();
        assertNull(failed.get());
        assertEquals(FILES, Fixtures.filesUnder(dir.resolve(SpoolLayout.UPLOADED), ".json.br").size());
    }

    @Test
    void filesListedThenUploadedAreReadWhereTheyWentAndDroppedOnesAreNoProblem() throws Exception {
        List<SealedSegment> listed = seal().subList(0, 20);
        SpoolLayout layout = new SpoolLayout(dir);
        for (int i = 0; i < listed.size(); i++) {
            SealedSegment s = listed.get(i);
            assertEquals(layout.uploadedPath(s.name()), s.uploadedPath());
            Files.createDirectories(s.uploadedPath().getParent());
            if (i % 2 == 0) Files.move(s.path(), s.uploadedPath());
            else if (i % 5 == 0) Files.delete(s.path());
        }
        long rows = 0;
        try (DecodeAhead ahead = new DecodeAhead(listed, () -> new BlockMatcher(ScanQuery.all(),
                new RowFilter(ScanQuery.all(), false), true), 2)) {
            for (Object item = ahead.take(); item != null; item = ahead.take()) {
                if (item instanceof DecodeAhead.End end) assertEquals(List.of(), end.problems());
                if (item instanceof DecodeAhead.Block b) {
                    rows += b.matches().rows();
                    ahead.release(b);
                }
            }
        }
        assertEquals(20 - 2, rows, "every file but the two deleted, moved ones read under uploaded/");
        for (int i = 0; i < listed.size(); i++) {
            MovedFiles.Verified v = MovedFiles.verify(listed.get(i));
            if (i % 2 != 0 && i % 5 == 0) {
                assertNull(v, "deleted");
                continue;
            }
            assertTrue(v.result().ok(), v.result().toString());
            assertEquals(i % 2 == 0 ? listed.get(i).uploadedPath() : listed.get(i).path(), v.path());
            assertEquals(Files.size(v.path()), v.size());
        }
        assertNull(SealedSegment.of(dir.resolve("elsewhere").resolve(listed.get(0).name().fileName())).uploadedPath());
    }

    @Test
    void aLinkToASegmentIsListedAsTheSegment() throws Exception {
        SealedSegment s = seal().get(0);
        Path links = Files.createDirectories(dir.resolve("links"));
        Files.createSymbolicLink(links.resolve(s.path().getFileName()), s.path());
        List<SealedSegment> found = Scanner.ofFiles(List.of(links)).segments(ScanQuery.all());
        assertEquals(List.of(s.name()), found.stream().map(SealedSegment::name).toList());
    }

    private List<SealedSegment> seal() throws Exception {
        List<SealedSegment> segs = new ArrayList<>();
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).quality(1).build())) {
            spool.onSealed(segs::add);
            StreamWriter w = spool.writer("s");
            for (int i = 0; i < FILES; i++) {
                w.append(Series.of("m", Labels.of("i", Integer.toString(i))), 1763773200000L + i * 60_000L, i);
                w.seal();
            }
        }
        return segs;
    }

    /** Moves the files one by one to where an uploader keeps them, as `cistern upload` does from its own process. */
    private Thread startMoving(List<SealedSegment> segs, AtomicReference<Throwable> failed) {
        SpoolLayout layout = new SpoolLayout(dir);
        Thread t = new Thread(() -> {
            try {
                for (SealedSegment s : segs) {
                    Path to = layout.uploadedPath(s.name());
                    Files.createDirectories(to.getParent());
                    Files.move(s.path(), to);
                }
            } catch (Exception e) {
                failed.set(e);
            }
        }, "mover");
        t.start();
        return t;
    }
}
