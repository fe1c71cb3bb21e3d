package dev.cistern.uploader.s3;

import static org.junit.jupiter.api.Assertions.*;

import dev.cistern.spool.SealedSegment;
import dev.cistern.spool.SpoolLayout;
import dev.cistern.testkit.ChildJvm;
import dev.cistern.testkit.TestFiles;
import dev.cistern.uploader.log.UploadLog;
import dev.cistern.uploader.log.UploadRecord;
import dev.cistern.uploader.log.UploadStatus;
import dev.cistern.uploader.testing.S3Server;
import dev.cistern.uploader.testing.TestSpools;
import dev.cistern.uploader.testing.UploadChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of an uploading process at random moments: no file lost, no second object. */
class KilledUploaderTest {
    @TempDir Path spool;
    @TempDir Path work;

    @Test
    void killedAtRandomMomentsLosesNothingAndNeverMakesASecondObject() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "cost", 80, 300);
        Map<String, byte[]> expected = new HashMap<>();
        for (SealedSegment s : segs) {
            expected.put("crash/cost/" + s.name().partition() + "/" + s.name().fileName(), Files.readAllBytes(s.path()));
        }
        Random random = new Random(Long.getLong("cistern.test.seed", System.nanoTime()));
        try (S3Server s3 = S3Server.inMemory()) {
            String bucket = s3.newBucket();
            int kills = 0;
            for (int cycle = 0; cycle < 6; cycle++) {
                Process p = ChildJvm.start(UploadChild.class, List.of("-Xmx128m"), work.resolve("child-" + cycle + ".log"),
                        spool.toString(), s3.endpoint().toString(), bucket);
                // kill once uploads are under way (JVM start-up time varies a lot on a busy machine)
                int before = TestFiles.files(spool.resolve("uploaded")).size();
                while (p.isAlive() && TestFiles.files(spool.resolve("uploaded")).size() == before) Thread.sleep(2);
                boolean exited = p.waitFor(random.nextInt(150), TimeUnit.MILLISECONDS);
                if (!exited) {
                    p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
                    p.waitFor();
                    kills++;
                }
                int left = TestFiles.files(spool.resolve("sealed")).size();
                System.out.println("cycle " + cycle + ": " + (exited ? "exited" : "killed") + ", " + left + " files left");
                if (left == 0) break;
            }
            Process last = ChildJvm.start(UploadChild.class, List.of("-Xmx128m"), work.resolve("child-last.log"),
                    spool.toString(), s3.endpoint().toString(), bucket);
            assertTrue(last.waitFor(120, TimeUnit.SECONDS), "final run finished");
            assertEquals(0, last.exitValue(), Files.readString(work.resolve("child-last.log")));
            Map<String, Integer> successes = new HashMap<>();
            for (UploadRecord r : UploadLog.query(spool, UploadLog.Query.ALL).records()) {
                if (r.status() == UploadStatus.SUCCESS) successes.merge(r.key(), 1, Integer::sum);
            }
            long again = successes.values().stream().filter(n -> n > 1).count();
            System.out.println("killed the uploader " + kills + " times; " + again
                    + " files were uploaded again because a kill came between upload and mark");

            assertEquals(List.of(), TestFiles.files(spool.resolve("sealed")), "everything left sealed/");
            SpoolLayout layout = new SpoolLayout(spool);
            for (SealedSegment s : segs) {
                assertArrayEquals(expected.get("crash/cost/" + s.name().partition() + "/" + s.name().fileName()),
                        Files.readAllBytes(layout.uploadedPath(s.name())), "kept in uploaded/");
            }
            assertEquals(expected.keySet().stream().sorted().toList(), s3.keys(bucket), "one object per file, nothing else");
            for (Map.Entry<String, byte[]> e : expected.entrySet()) assertArrayEquals(e.getValue(), s3.get(bucket, e.getKey()), e.getKey());
        }
    }
}
