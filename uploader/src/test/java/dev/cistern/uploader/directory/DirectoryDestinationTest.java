package dev.cistern.uploader.directory;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.*;

import dev.cistern.spool.SealedSegment;
import dev.cistern.testkit.TestFiles;
import dev.cistern.uploader.DestinationException;
import dev.cistern.uploader.KeyTemplate;
import dev.cistern.uploader.UploadItem;
import dev.cistern.uploader.testing.TestSpools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryDestinationTest {
    @TempDir Path spool;
    @TempDir Path target;

    @Test
    void copiesUnderTheKeyAndOverwritesOnRepeat() throws Exception {
        SealedSegment s = TestSpools.bigSegment(spool, "edge", T0, 3_000_000, 7);
        DirectoryDestination d = new DirectoryDestination(target, "site-1", KeyTemplate.DEFAULT);
        String key = d.keyFor(s.name());
        assertEquals("site-1/edge/dt=2025-11-22/hour=01/" + s.name().fileName(), key);
        UploadItem item = new UploadItem(s.path(), s.name(), key, Files.size(s.path()), Duration.ofSeconds(10));
        d.put(item);
        d.put(item);
        assertArrayEquals(Files.readAllBytes(s.path()), Files.readAllBytes(target.resolve(key)));
        assertEquals(List.of(key), TestFiles.files(target), "one file, no temp files");
        assertTrue(Files.exists(s.path()), "the source stays: marking it is the uploader's job");
    }

    @Test
    void refusesKeysThatLeaveTheTarget() throws Exception {
        SealedSegment s = TestSpools.bigSegment(spool, "edge", T0, 10, 7);
        DirectoryDestination d = new DirectoryDestination(target.resolve("inner"), "../../outside", KeyTemplate.DEFAULT);
        String key = d.keyFor(s.name());
        DestinationException e = assertThrows(DestinationException.class,
                () -> d.put(new UploadItem(s.path(), s.name(), key, 10, Duration.ofSeconds(10))));
        assertTrue(e.permanent());
        assertEquals(List.of(), TestFiles.files(target));
    }
}
