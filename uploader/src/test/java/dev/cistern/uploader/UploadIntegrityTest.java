package dev.cistern.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.spool.Codec;
import dev.cistern.spool.CodecSettings;
import dev.cistern.spool.QuarantineReason;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SealTrailer;
import dev.cistern.spool.SealedSegment;
import dev.cistern.spool.SpoolEvent;
import dev.cistern.testkit.TestFiles;
import dev.cistern.uploader.directory.DirectoryDestination;
import dev.cistern.uploader.testing.Policies;
import dev.cistern.uploader.testing.TestSpools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The uploader checks every file before it ships it: a damaged one is quarantined with its reason, never uploaded. */
class UploadIntegrityTest {
    @TempDir Path spool;
    @TempDir Path target;

    private Uploader uploader(List<SpoolEvent> events) throws Exception {
        return Uploader.builder(spool, new DirectoryDestination(target)).policy(Policies.fast().build())
                .listener(new UploadListener() { }).events(events::add).build();
    }

    private List<Path> quarantined(String suffix) throws Exception {
        Path q = spool.resolve("quarantine");
        if (!Files.isDirectory(q)) return List.of();
        try (Stream<Path> s = Files.walk(q)) {
            return s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(suffix)).toList();
        }
    }

    @Test
    void truncatedFlippedAndGarbageFilesAreQuarantinedAndTheRestUploaded() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "metrics", 5, 100);
        byte[] b0 = Files.readAllBytes(segs.get(0).path());
        Files.write(segs.get(0).path(), Arrays.copyOf(b0, b0.length / 2));
        byte[] b1 = Files.readAllBytes(segs.get(1).path());
        b1[b1.length / 2] ^= 0x04;
        Files.write(segs.get(1).path(), b1);
        Files.write(segs.get(2).path(), "garbage\n".repeat(100).getBytes(StandardCharsets.UTF_8));
        List<SpoolEvent> events = new CopyOnWriteArrayList<>();
        try (Uploader u = uploader(events)) {
            UploadSummary sum = u.runOnce();
            assertEquals(2, sum.uploaded(), sum.toString());
            assertEquals(3, sum.quarantined(), sum.toString());
            assertEquals(3, u.metrics().quarantined());
            assertEquals(2, u.metrics().quarantined(QuarantineReason.MISSING_CHECKSUM));
            assertEquals(1, u.metrics().quarantined(QuarantineReason.CHECKSUM_MISMATCH));
            assertEquals(0, u.runOnce().quarantined(), "nothing is left to check again");
        }
        List<String> uploaded = TestFiles.files(target);
        assertEquals(2, uploaded.size(), uploaded.toString());
        for (int i = 0; i < 3; i++) {
            String name = segs.get(i).name().fileName();
            assertFalse(uploaded.stream().anyMatch(k -> k.endsWith(name)), name + " was uploaded");
        }
        List<Path> reasons = quarantined(".reason");
        assertEquals(3, reasons.size());
        for (Path r : reasons) {
            String text = Files.readString(r);
            assertTrue(text.contains("reason: MISSING_CHECKSUM") || text.contains("reason: CHECKSUM_MISMATCH"), text);
        }
        assertEquals(3, events.stream().filter(e -> e.type() == SpoolEvent.Type.QUARANTINED).count(), events.toString());
    }

    /** Issue 14: zstd and gzip files go up as they are; one whose suffix and content disagree is quarantined, never uploaded. */
    @Test
    void zstdAndGzipFilesGoUpAndARenamedOneIsQuarantinedAsACodecMismatch() throws Exception {
        List<SealedSegment> zstd = TestSpools.seal(spool, "lake", 2, 100, CodecSettings.zstd(3, 27));
        List<SealedSegment> gzip = TestSpools.seal(spool, "logs", 2, 100, CodecSettings.gzip(6));
        Path renamed = gzip.get(1).path().resolveSibling(gzip.get(1).name().withCodec(Codec.ZSTD).fileName());
        Files.move(gzip.get(1).path(), renamed);
        try (Uploader u = uploader(new ArrayList<>())) {
            UploadSummary sum = u.runOnce();
            assertEquals(3, sum.uploaded(), sum.toString());
            assertEquals(1, sum.quarantined(), sum.toString());
            assertEquals(1, u.metrics().quarantined(QuarantineReason.CODEC_MISMATCH));
        }
        List<String> keys = TestFiles.files(target);
        assertEquals(2, keys.stream().filter(k -> k.endsWith(".json.zst")).count(), keys.toString());
        assertEquals(1, keys.stream().filter(k -> k.endsWith(".json.gz")).count(), keys.toString());
        for (String k : keys) assertEquals(100, Scanner.lines(target.resolve(k), (b, off, len) -> { }), k + " reads back whole");
        String reason = Files.readString(quarantined(".reason").get(0));
        assertTrue(reason.contains("reason: CODEC_MISMATCH") && reason.contains("gzip stream"), reason);
        assertTrue(zstd.get(0).name().codec() == Codec.ZSTD);
    }

    /** The brief of issue 17: every single-bit flip of a small sealed file is caught on the upload path. */
    @Test
    void everySingleBitFlipIsQuarantinedNeverUploaded() throws Exception {
        SealedSegment s = TestSpools.seal(spool, "metrics", 1, 3).get(0);
        byte[] original = Files.readAllBytes(s.path());
        int bits = original.length * 8;
        try (Uploader u = uploader(new ArrayList<>())) {
            for (int bit = 0; bit < bits; bit++) {
                byte[] flipped = original.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                Files.write(s.path(), flipped);
                UploadSummary sum = u.runOnce();
                assertEquals(1, sum.quarantined(), "bit " + bit + " of " + bits + ": " + sum);
                assertEquals(0, sum.uploaded(), "bit " + bit + " of " + bits + ": " + sum);
                for (Path q : quarantined("")) Files.delete(q);
            }
            assertEquals(bits, u.metrics().quarantined());
            assertEquals(List.of(), TestFiles.files(target));
            Files.write(s.path(), original);
            assertEquals(1, u.runOnce().uploaded(), "the sound file goes up");
        }
    }

    @Test
    void theDirectoryDestinationRefusesACopyThatDiffersFromTheCheckedFile() throws Exception {
        SealedSegment s = TestSpools.seal(spool, "metrics", 1, 10).get(0);
        DirectoryDestination d = new DirectoryDestination(target);
        SealTrailer.Check c = SealTrailer.check(s.path());
        UploadItem item = new UploadItem(s.path(), s.name(), d.keyFor(s.name()), Files.size(s.path()), Duration.ofSeconds(5));
        DestinationException e = assertThrows(DestinationException.class,
                () -> d.put(item.withChecksum(new FileChecksum(c.fileCrc() ^ 1, c.seal()))));
        assertFalse(e.permanent());
        assertTrue(e.getMessage().contains("changed while it was copied"), e.getMessage());
        assertEquals(List.of(), TestFiles.files(target), "no target, no temp file");
        d.put(item.withChecksum(new FileChecksum(c.fileCrc(), c.seal())));
        assertEquals(1, TestFiles.files(target).size());
    }
}
