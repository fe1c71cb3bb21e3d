package dev.cistern.uploader.presigned;

import static org.junit.jupiter.api.Assertions.*;

import dev.cistern.spool.SealedSegment;
import dev.cistern.uploader.UploadPolicy;
import dev.cistern.uploader.UploadSummary;
import dev.cistern.uploader.Uploader;
import dev.cistern.uploader.log.UploadLog;
import dev.cistern.uploader.log.UploadRecord;
import dev.cistern.uploader.log.UploadStatus;
import dev.cistern.uploader.testing.Policies;
import dev.cistern.uploader.testing.PresignedServer;
import dev.cistern.uploader.testing.TestSpools;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PresignedDestinationTest {
    static final String API_KEY = "k3y-that-must-not-leak";
    @TempDir Path spool;
    @TempDir Path secrets;
    PresignedServer server;
    Path keyFile;

    @BeforeEach
    void start() throws Exception {
        server = new PresignedServer(API_KEY);
        keyFile = secrets.resolve("api-key");
        Files.writeString(keyFile, API_KEY + "\n");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    PresignedDestination dest() {
        return PresignedDestination.builder(URI.create(server.allocationUrl())).apiKeyFile(keyFile).prefix("site-7").build();
    }

    UploadSummary upload(PresignedDestination d, UploadPolicy p) throws Exception {
        try (Uploader u = Uploader.builder(spool, d).policy(p).build()) {
            return u.runOnce();
        }
    }

    List<UploadRecord> log() throws Exception {
        return UploadLog.query(spool, UploadLog.Query.ALL).records();
    }

    static String key(SealedSegment s) {
        return "site-7/" + s.name().stream() + "/" + s.name().partition() + "/" + s.name().fileName();
    }

    @Test
    void allocatesInOneBatchThenPutsEachFile() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "cost", 5, 100);
        List<byte[]> bytes = new ArrayList<>();
        for (SealedSegment s : segs) bytes.add(Files.readAllBytes(s.path()));
        UploadSummary sum = upload(dest(), Policies.fast().build());
        assertEquals(5, sum.uploaded());
        assertEquals(1, server.allocations().size(), "one allocation call: " + server.allocations());
        assertEquals(segs.stream().map(PresignedDestinationTest::key).toList(), server.allocations().get(0));
        for (int i = 0; i < segs.size(); i++) assertArrayEquals(bytes.get(i), server.objects().get(key(segs.get(i))));
    }

    @Test
    void anExpiredUrlIsAllocatedAgainAndIsNotAFailureOfTheFile() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "cost", 4, 100);
        server.expireNext(4);
        PresignedDestination d = dest();
        UploadSummary sum = upload(d, Policies.fast().permanentFailureLimit(1).build());
        assertEquals(4, sum.uploaded(), sum.toString());
        assertTrue(d.reallocations() >= 1);
        assertTrue(server.allocations().size() >= 2, "allocated again: " + server.allocations());
        for (UploadRecord r : log()) assertEquals(UploadStatus.SUCCESS, r.status(), r.toString());
        assertEquals(4, log().size(), "one attempt per file");
        for (SealedSegment s : segs) assertNotNull(server.objects().get(key(s)));
    }

    @Test
    void aWrongApiKeyIsRetryableAndNeverQuarantines() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "cost", 1, 10);
        Files.writeString(keyFile, "wrong");
        UploadSummary sum = upload(dest(), Policies.fast().maxAttempts(2).permanentFailureLimit(1).build());
        assertEquals(1, sum.failed());
        assertEquals(0, sum.quarantined());
        assertTrue(Files.exists(segs.get(0).path()));
        UploadRecord r = log().get(0);
        assertFalse(r.permanent());
        assertTrue(r.message().contains("HTTP 401") && r.message().contains("API key"), r.message());
    }

    @Test
    void aForbiddenPutThatIsNotExpiryIsPermanent() throws Exception {
        TestSpools.seal(spool, "cost", 1, 10);
        server.answerPuts(403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
        UploadSummary sum = upload(dest(), Policies.fast().permanentFailureLimit(1).build());
        assertEquals(1, sum.quarantined());
        assertEquals(1, server.puts(), "not retried");
        assertTrue(log().get(0).permanent());
    }

    @Test
    void serverErrorsOnPutAreRetried() throws Exception {
        TestSpools.seal(spool, "cost", 1, 10);
        server.answerPuts(503, "busy");
        UploadSummary sum = upload(dest(), Policies.fast().maxAttempts(3).build());
        assertEquals(1, sum.failed());
        assertEquals(3, server.puts());
        for (UploadRecord r : log()) {
            assertFalse(r.permanent());
            assertTrue(r.message().contains("HTTP 503"), r.message());
        }
        server.answerPuts(0, "");
        assertEquals(1, upload(dest(), Policies.fast().build()).uploaded());
    }

    @Test
    void aReferenceRefusedAtAllocationIsPermanent() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "cost", 2, 10);
        server.refuse(key(segs.get(0)));
        UploadSummary sum = upload(dest(), Policies.fast().permanentFailureLimit(1).build());
        assertEquals(1, sum.uploaded());
        assertEquals(1, sum.quarantined());
        assertTrue(sum.failures().get(0).message().contains("file too large"), sum.failures().toString());
    }

    @Test
    void theApiKeyNeverShowsInNamesOrTheLog() throws Exception {
        TestSpools.seal(spool, "cost", 1, 10);
        Files.writeString(keyFile, "wrong-" + API_KEY);
        PresignedDestination d = dest();
        assertFalse(d.name().contains(API_KEY));
        upload(d, Policies.fast().maxAttempts(1).build());
        try (Stream<Path> files = Files.walk(UploadLog.directoryOf(spool))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) assertFalse(Files.readString(f).contains(API_KEY));
        }
    }

    @Test
    void aMissingApiKeyFileFailsAtStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PresignedDestination.builder(URI.create(server.allocationUrl())).apiKeyFile(secrets.resolve("nope")).build());
        assertTrue(e.getMessage().contains("API key file"), e.getMessage());
    }
}
