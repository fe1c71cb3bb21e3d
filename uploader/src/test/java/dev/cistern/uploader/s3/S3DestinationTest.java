package dev.cistern.uploader.s3;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.*;

import dev.cistern.spool.SealedSegment;
import dev.cistern.spool.SpoolLayout;
import dev.cistern.uploader.BreakerState;
import dev.cistern.uploader.DestinationException;
import dev.cistern.uploader.UploadItem;
import dev.cistern.uploader.UploadPolicy;
import dev.cistern.uploader.UploadSummary;
import dev.cistern.uploader.Uploader;
import dev.cistern.uploader.log.UploadLog;
import dev.cistern.uploader.log.UploadRecord;
import dev.cistern.uploader.log.UploadStatus;
import dev.cistern.uploader.testing.FaultyProxy;
import dev.cistern.uploader.testing.Policies;
import dev.cistern.uploader.testing.S3Server;
import dev.cistern.uploader.testing.TestSpools;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class S3DestinationTest {
    static S3Server s3;
    @TempDir Path spool;
    String bucket;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3Server.inMemory();
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @BeforeEach
    void freshBucket() {
        bucket = s3.newBucket();
    }

    S3Destination.Builder dest(URI endpoint) {
        return S3Destination.builder(bucket).prefix("/cistern/prod/").endpoint(endpoint).pathStyle(true)
                .region("us-east-1").credentials(S3Server.credentials());
    }

    UploadSummary upload(S3Destination d, UploadPolicy p) throws Exception {
        try (Uploader u = Uploader.builder(spool, d).policy(p).build()) {
            return u.runOnce();
        }
    }

    List<UploadRecord> log() throws Exception {
        return UploadLog.query(spool, UploadLog.Query.ALL).records();
    }

    static String key(SealedSegment s) {
        return "cistern/prod/" + s.name().stream() + "/" + s.name().partition() + "/" + s.name().fileName();
    }

    @Test
    void roundTripsByteIdenticalObjectsUnderHiveStyleKeys() throws Exception {
        List<SealedSegment> segs = new ArrayList<>(TestSpools.seal(spool, "cost", 3, 300));
        segs.addAll(TestSpools.seal(spool, "observability", 2, 300));
        List<byte[]> bytes = new ArrayList<>();
        for (SealedSegment s : segs) bytes.add(Files.readAllBytes(s.path()));

        UploadSummary sum = upload(dest(s3.endpoint()).build(), Policies.fast().build());

        assertEquals(5, sum.uploaded());
        assertEquals(segs.stream().map(S3DestinationTest::key).sorted().toList(), s3.keys(bucket));
        for (int i = 0; i < segs.size(); i++) assertArrayEquals(bytes.get(i), s3.get(bucket, key(segs.get(i))));
        SpoolLayout layout = new SpoolLayout(spool);
        for (SealedSegment s : segs) assertTrue(Files.exists(layout.uploadedPath(s.name())));
    }

    @Test
    void largeFilesGoInPartsStreamedFromDiskAndComeBackIdentical() throws Exception {
        SealedSegment big = TestSpools.bigSegment(spool, "cost", T0, 13L << 20, 42);
        byte[] original = Files.readAllBytes(big.path());
        try (FaultyProxy proxy = new FaultyProxy(s3.port())) {
            S3Destination d = dest(URI.create(proxy.endpoint())).multipartThreshold(5L << 20).partSize(5L << 20).build();
            assertEquals(1, upload(d, Policies.fast().build()).uploaded());
            List<String> lines = proxy.heads().stream().map(h -> h.lines().findFirst().orElse("")).toList();
            // the multipart upload that was completed (a retry on a busy machine may have aborted one before it)
            String completed = lines.stream().filter(l -> l.startsWith("POST ") && l.contains("?uploadId=")).findFirst()
                    .orElseThrow(() -> new AssertionError("no multipart upload completed: " + lines));
            int idAt = completed.indexOf("uploadId=") + 9;
            String uploadId = completed.substring(idAt, completed.indexOf(' ', idAt));
            List<String> parts = proxy.heads().stream()
                    .filter(h -> h.startsWith("PUT ") && h.contains("partNumber=") && h.contains("uploadId=" + uploadId)).toList();
            assertEquals(3, parts.size(), "13 MiB in 5 MiB parts: " + lines);
            for (String h : parts) assertChecksummed(h);
            long started = lines.stream().filter(l -> l.startsWith("POST ") && l.contains("?uploads")).count();
            long aborted = lines.stream().filter(l -> l.startsWith("DELETE ") && l.contains("uploadId=")).count();
            assertEquals(started - 1, aborted, "every multipart upload given up is aborted: " + lines);
        }
        assertEquals(List.of(key(big)), s3.keys(bucket));
        assertArrayEquals(original, s3.get(bucket, key(big)));
    }

    @Test
    void everyPutCarriesACrc32cChecksum() throws Exception {
        TestSpools.seal(spool, "cost", 3, 100);
        try (FaultyProxy proxy = new FaultyProxy(s3.port())) {
            assertEquals(3, upload(dest(URI.create(proxy.endpoint())).build(), Policies.fast().build()).uploaded());
            List<String> puts = proxy.heads().stream().filter(h -> h.startsWith("PUT ")).toList();
            assertEquals(3, puts.size());
            for (String h : puts) assertChecksummed(h);
        }
    }

    static void assertChecksummed(String head) {
        assertEquals("CRC32C", FaultyProxy.header(head, "x-amz-sdk-checksum-algorithm"), head);
        assertEquals("x-amz-checksum-crc32c", FaultyProxy.header(head, "x-amz-trailer"), head);
    }

    @Test
    void aBodyDamagedInTransitIsRejectedNotStoredAndRetried() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "cost", 1, 2000);
        SealedSegment s = segs.get(0);
        byte[] original = Files.readAllBytes(s.path());
        try (FaultyProxy proxy = new FaultyProxy(s3.port())) {
            S3Destination d = dest(URI.create(proxy.endpoint())).build();
            proxy.corruptNext(1);
            DestinationException e = assertThrows(DestinationException.class,
                    () -> d.put(new UploadItem(s.path(), s.name(), d.keyFor(s.name()), original.length, Duration.ofSeconds(20))));
            assertFalse(e.permanent(), e.getMessage());
            assertEquals(List.of(), s3.keys(bucket), "the damaged body was not stored");

            proxy.corruptNext(1);
            UploadSummary sum = upload(d, Policies.fast().build());
            assertEquals(1, sum.uploaded());
        }
        List<UploadRecord> log = log();
        assertEquals(List.of(UploadStatus.FAILED, UploadStatus.SUCCESS), log.stream().map(UploadRecord::status).toList());
        assertArrayEquals(original, s3.get(bucket, key(s)));
    }

    @Test
    void anEndpointThatIsDownIsRetriedAndTheFileStays() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "cost", 1, 10);
        S3Destination d = dest(URI.create("http://127.0.0.1:" + S3Server.closedPort())).build();
        UploadSummary sum = upload(d, Policies.fast().maxAttempts(3).build());
        assertEquals(1, sum.failed());
        assertTrue(Files.exists(segs.get(0).path()));
        List<UploadRecord> log = log();
        assertEquals(3, log.size(), "three attempts");
        for (UploadRecord r : log) {
            assertEquals(UploadStatus.FAILED, r.status());
            assertFalse(r.permanent());
            assertTrue(r.message().contains("cannot reach S3"), r.message());
        }
    }

    @Test
    void serverErrorsAreRetriedAndTheFileGoesUpWhenTheServerRecovers() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "cost", 2, 10);
        try (FaultyProxy proxy = new FaultyProxy(s3.port())) {
            S3Destination d = dest(URI.create(proxy.endpoint())).build();
            try (Uploader u = Uploader.builder(spool, d).policy(Policies.fast().maxAttempts(2).build()).build()) {
                proxy.mode(FaultyProxy.Mode.ERROR_500);
                UploadSummary down = u.runOnce();
                assertEquals(2, down.failed());
                assertEquals(2, u.metrics().retries());
                for (UploadRecord r : log()) {
                    assertTrue(r.message().contains("HTTP 500 InternalError"), r.message());
                    assertFalse(r.permanent());
                }
                proxy.mode(FaultyProxy.Mode.FORWARD);
                assertEquals(2, u.runOnce().uploaded());
            }
        }
        assertEquals(segs.stream().map(S3DestinationTest::key).sorted().toList(), s3.keys(bucket));
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "cost", 1, 10);
        try (FaultyProxy proxy = new FaultyProxy(s3.port())) {
            proxy.mode(FaultyProxy.Mode.HANG);
            S3Destination d = dest(URI.create(proxy.endpoint())).build();
            UploadPolicy p = Policies.fast().attemptTimeout(Duration.ofSeconds(1)).minBytesPerSecond(1L << 40).maxAttempts(2).build();
            UploadSummary sum = upload(d, p);
            assertEquals(1, sum.failed());
        }
        assertTrue(Files.exists(segs.get(0).path()));
        List<UploadRecord> log = log();
        assertEquals(2, log.size());
        for (UploadRecord r : log) assertTrue(r.message().contains("in time") || r.message().contains("timed out"), r.message());
    }

    @Test
    void forbiddenIsPermanentAndQuarantinesAfterTheLimit() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "cost", 1, 10);
        S3Destination unknownKey = dest(s3.endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("no-such-key", S3Server.SECRET_KEY))).build();
        UploadPolicy p = Policies.fast().permanentFailureLimit(2).build();
        try (Uploader u = Uploader.builder(spool, unknownKey).policy(p).build()) {
            UploadSummary first = u.runOnce();
            assertEquals(1, first.failed());
            List<UploadRecord> log = log();
            UploadRecord last = log.get(log.size() - 1);
            assertTrue(last.permanent(), "the permanent failure ends the attempts: " + log);
            assertEquals(1, log.stream().filter(UploadRecord::permanent).count(), "not retried: " + log);
            assertTrue(last.message().contains("HTTP 403"), last.message());
            UploadSummary second = u.runOnce();
            assertEquals(1, second.quarantined());
        }
        assertFalse(Files.exists(segs.get(0).path()));
        assertTrue(Files.exists(new SpoolLayout(spool).quarantine().resolve("cost").resolve(segs.get(0).name().fileName())));
        assertEquals(List.of(), s3.keys(bucket));
    }

    @Test
    void badRequestIsPermanent() throws Exception {
        TestSpools.seal(spool, "cost", 1, 10);
        try (FaultyProxy proxy = new FaultyProxy(s3.port())) {
            proxy.answer(400, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InvalidArgument</Code>"
                    + "<Message>bad header</Message></Error>");
            UploadSummary sum = upload(dest(URI.create(proxy.endpoint())).build(), Policies.fast().permanentFailureLimit(1).build());
            assertEquals(1, sum.quarantined());
        }
        UploadRecord r = log().get(0);
        assertTrue(r.permanent());
        assertTrue(r.message().contains("HTTP 400 InvalidArgument"), r.message());
    }

    @Test
    void aMissingBucketIsPermanent() throws Exception {
        TestSpools.seal(spool, "cost", 1, 10);
        // S3 (and S3Proxy) may answer 404 before reading the body and close the connection; the
        // client then sees only "Error writing request body", which is rightly transient. So the
        // answer is looked for over a few passes: once it is read, it must be classified permanent.
        // A pass closes its destination (and the SDK client in it): each pass gets a new one.
        UploadRecord answered = null;
        for (int pass = 0; pass < 5 && answered == null; pass++) {
            S3Destination d = S3Destination.builder("no-such-bucket").endpoint(s3.endpoint()).pathStyle(true)
                    .region("us-east-1").credentials(S3Server.credentials()).build();
            assertEquals(1, upload(d, Policies.fast().maxAttempts(1).build()).failed());
            answered = log().stream().filter(r -> r.message().contains("404")).findFirst().orElse(null);
        }
        List<UploadRecord> all = log();
        assertTrue(answered != null, () -> "S3 never answered 404: " + all);
        assertTrue(answered.permanent(), answered.message());
    }

    @Test
    void theBreakerOpensStopsAttemptsAndClosesAfterRecovery() throws Exception {
        TestSpools.seal(spool, "cost", 10, 10);
        try (FaultyProxy proxy = new FaultyProxy(s3.port())) {
            S3Destination d = dest(URI.create(proxy.endpoint())).build();
            UploadPolicy p = Policies.fast().concurrency(1).maxAttempts(1)
                    .breaker(50, 3, Duration.ofMinutes(1), Duration.ofMillis(500)).build();
            try (Uploader u = Uploader.builder(spool, d).policy(p).build()) {
                proxy.mode(FaultyProxy.Mode.ERROR_500);
                UploadSummary down = u.runOnce();
                assertEquals(BreakerState.OPEN, u.metrics().breakerState());
                assertTrue(down.deferred() > 0, down.toString());
                int connections = proxy.connections();
                UploadSummary open = u.runOnce();
                assertEquals(10, open.deferred());
                assertEquals(connections, proxy.connections(), "no request while the breaker is open");

                proxy.mode(FaultyProxy.Mode.FORWARD);
                Thread.sleep(p.breakerDelay().toMillis() + 100);
                UploadSummary back = u.runOnce();
                assertEquals(10, back.uploaded(), back.toString());
                assertEquals(BreakerState.CLOSED, u.metrics().breakerState());
                assertEquals(1, u.metrics().breakerOpened());
            }
        }
        assertEquals(10, s3.keys(bucket).size());
    }

    @Test
    void anUploadRepeatedAfterACrashOverwritesTheSameKey() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "cost", 3, 10);
        S3Destination d = dest(s3.endpoint()).build();
        SealedSegment s = segs.get(1);
        // the crash: uploaded, never marked (retried as the uploader would: a kept-alive connection S3Proxy has just
        // closed fails the first PUT on it with "Error writing request body to server")
        UploadItem item = new UploadItem(s.path(), s.name(), d.keyFor(s.name()), Files.size(s.path()), Duration.ofSeconds(20));
        for (int attempt = 1; ; attempt++) {
            try {
                d.put(item);
                break;
            } catch (DestinationException e) {
                if (e.permanent() || attempt == 3) throw e;
            }
        }
        assertEquals(1, s3.keys(bucket).size());
        assertEquals(3, upload(d, Policies.fast().build()).uploaded());
        assertEquals(segs.stream().map(S3DestinationTest::key).sorted().toList(), s3.keys(bucket), "no second object");
    }

    @Test
    void dryRunWritesNothingToS3() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "cost", 2, 10);
        UploadSummary sum = upload(dest(s3.endpoint()).build(), Policies.fast().dryRun(true).build());
        assertEquals(2, sum.skipped());
        assertEquals(List.of(), s3.keys(bucket));
        for (SealedSegment s : segs) assertTrue(Files.exists(s.path()));
    }

    @Test
    void credentialsNeverShowInNamesOrTheLog() throws Exception {
        TestSpools.seal(spool, "cost", 1, 10);
        S3Destination d = dest(URI.create("http://127.0.0.1:" + S3Server.closedPort())).build();
        assertEquals("s3://" + bucket + "/cistern/prod", d.name());
        upload(d, Policies.fast().maxAttempts(1).build());
        try (Stream<Path> files = Files.walk(UploadLog.directoryOf(spool))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f);
                assertFalse(text.contains(S3Server.SECRET_KEY), f.toString());
                assertFalse(text.contains(S3Server.ACCESS_KEY), f.toString());
            }
        }
    }
}
