package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12: uploaded/ is bounded by age on its own, without touching unsent files. */
class UploadedMaxAgeTest {
    @TempDir Path dir;

    @Test
    void dropsOldUploadedFilesAndKeepsUnsentOnes() throws Exception {
        try (Spool spool = Spool.open(SpoolConfig.builder(dir).shardsPerStream(1).build())) {
            List<SealedSegment> segs = new ArrayList<>();
            spool.onSealed(segs::add);
            for (int i = 0; i < 4; i++) {
                spool.writer("s").append(Series.of("m", Labels.of("k", "v")), 1763773200000L + i, i);
                spool.writer("s").seal();
            }
            for (int i = 0; i < 2; i++) {
                Path to = spool.layout().uploadedPath(segs.get(i).name());
                Files.createDirectories(to.getParent());
                Files.move(segs.get(i).path(), to);
            }
            Thread.sleep(20);
            Retention r = new Retention(spool,
                    new RetentionPolicy(null, 0, 0, 0, RetentionPolicy.Overflow.BLOCK, Duration.ofMillis(10)));
            r.enforce();
            assertEquals(2, r.filesDropped(DropReason.UPLOADED_MAX_AGE));
            for (int i = 0; i < 2; i++) assertFalse(Files.exists(spool.layout().uploadedPath(segs.get(i).name())));
            for (int i = 2; i < 4; i++) assertTrue(Files.exists(segs.get(i).path()), "unsent files are not uploaded/'s to drop");
            assertEquals(0, r.filesDropped(DropReason.MAX_AGE));
        }
    }
}
