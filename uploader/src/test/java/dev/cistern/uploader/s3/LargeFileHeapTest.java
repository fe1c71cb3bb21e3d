package dev.cistern.uploader.s3;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.*;

import dev.cistern.spool.SealedSegment;
import dev.cistern.testkit.ChildJvm;
import dev.cistern.uploader.testing.LargeUploadChild;
import dev.cistern.uploader.testing.S3Server;
import dev.cistern.uploader.testing.TestSpools;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file much larger than the heap goes up from a JVM with -Xmx64m, in one streamed PUT and in
 * multipart: the file is never held in memory. Size with -Dcistern.test.largeFileMiB (default 512).
 */
class LargeFileHeapTest {
    static final long MIB = 1L << 20;
    @TempDir Path spool;
    @TempDir Path store;
    @TempDir Path work;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"single streamed PUT, 4294967296", "multipart 16 MiB parts, 67108864"})
    void uploadsAFileEightTimesTheHeapWithFlatHeap(String how, long threshold) throws Exception {
        long size = Long.getLong("cistern.test.largeFileMiB", 512) * MIB;
        SealedSegment big = TestSpools.bigSegment(spool, "cost", T0, size, 99);
        long expectedCrc = crc(Files.newInputStream(big.path()));
        try (S3Server s3 = S3Server.onDisk(store)) {
            String bucket = s3.newBucket();
            Path log = work.resolve("child.log");
            Process p = ChildJvm.start(LargeUploadChild.class, List.of("-Xmx64m", "-XX:+UseSerialGC"), log,
                    spool.toString(), s3.endpoint().toString(), bucket, Long.toString(threshold));
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "upload finished");
            String out = Files.readString(log);
            assertEquals(0, p.exitValue(), out);
            Matcher m = Pattern.compile("peak-heap-bytes=(\\d+) max-heap-bytes=(\\d+)").matcher(out);
            assertTrue(m.find(), out);
            long peak = Long.parseLong(m.group(1));
            System.out.println(how + ": " + size / MIB + " MiB file, peak heap used " + peak / MIB + " MiB of "
                    + Long.parseLong(m.group(2)) / MIB + " MiB; " + out.lines().filter(l -> l.startsWith("peak")).findFirst().orElse(""));
            assertTrue(peak < size / 8, "peak heap " + peak + " for a file of " + size);

            String key = "cost/" + big.name().partition() + "/" + big.name().fileName();
            assertEquals(List.of(key), s3.keys(bucket));
            assertEquals(expectedCrc, crc(s3.client().getObject(b -> b.bucket(bucket).key(key))), "same bytes");
        }
    }

    static long crc(InputStream in) throws Exception {
        CRC32C c = new CRC32C();
        byte[] buf = new byte[1 << 16];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) c.update(buf, 0, n);
        }
        return c.getValue();
    }
}
