package dev.cistern.uploader;

import static dev.cistern.testkit.Times.HOUR;
import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.*;

import dev.cistern.spool.SealedSegment;
import dev.cistern.spool.SpoolEvent;
import dev.cistern.spool.SpoolLayout;
import dev.cistern.testkit.TestFiles;
import dev.cistern.uploader.directory.DirectoryDestination;
import dev.cistern.uploader.log.UploadLog;
import dev.cistern.uploader.log.UploadRecord;
import dev.cistern.uploader.log.UploadStatus;
import dev.cistern.uploader.testing.FlakyDestination;
import dev.cistern.uploader.testing.Policies;
import dev.cistern.uploader.testing.FlakyDestination.Fault;
import dev.cistern.uploader.testing.TestSpools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploaderTest {
    @TempDir Path spool;
    @TempDir Path target;

    static UploadPolicy.Builder fast() {
        return Policies.fast();
    }

    private Uploader uploader(Destination d, UploadPolicy p) throws IOException {
        return Uploader.builder(spool, d).policy(p).build();
    }

    @Test
    void uploadsEverySealedFileUnderItsKeyAndMovesItToUploaded() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "metrics", 5, 200);
        List<byte[]> contents = new ArrayList<>();
        for (SealedSegment s : segs) contents.add(Files.readAllBytes(s.path()));

        UploadSummary sum;
        try (Uploader u = uploader(new DirectoryDestination(target, "pre/fix/", KeyTemplate.DEFAULT), fast().build())) {
            sum = u.runOnce();
            assertEquals(5, u.metrics().uploaded());
            assertEquals(0, u.metrics().waitingFiles());
        }
        assertEquals(5, sum.uploaded());
        assertTrue(sum.allUploaded());
        SpoolLayout layout = new SpoolLayout(spool);
        for (int i = 0; i < segs.size(); i++) {
            SealedSegment s = segs.get(i);
            String key = "pre/fix/metrics/" + s.name().partition() + "/" + s.name().fileName();
            assertArrayEquals(contents.get(i), Files.readAllBytes(target.resolve(key)), key);
            assertFalse(Files.exists(s.path()), "still in sealed/: " + s.path());
            assertArrayEquals(contents.get(i), Files.readAllBytes(layout.uploadedPath(s.name())));
        }
        assertEquals(5, TestFiles.files(target).size(), "no temp files left: " + TestFiles.files(target));
    }

    @Test
    void uploadsOldestFirst() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "metrics", 6, 10);
        try (Uploader u = uploader(new DirectoryDestination(target), fast().concurrency(1).build())) {
            u.runOnce();
        }
        List<String> order = UploadLog.query(spool, UploadLog.Query.ALL).records().stream().map(UploadRecord::key).toList();
        List<String> expected = segs.stream().map(s -> "metrics/" + s.name().partition() + "/" + s.name().fileName()).toList();
        assertEquals(expected, order);
    }

    @Test
    void deletesInsteadOfMovingWhenConfigured() throws Exception {
        TestSpools.seal(spool, "metrics", 3, 10);
        try (Uploader u = uploader(new DirectoryDestination(target), fast().afterUpload(AfterUpload.DELETE).build())) {
            assertEquals(3, u.runOnce().uploaded());
        }
        assertEquals(List.of(), TestFiles.files(spool.resolve("sealed")));
        assertEquals(List.of(), TestFiles.files(spool.resolve("uploaded")));
        assertEquals(3, TestFiles.files(target).size());
    }

    @Test
    void withAfterDeleteLeavesAFileTheSpoolHasNotSettledForALaterPass() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "metrics", 3, 10);
        Set<String> settled = Collections.synchronizedSet(new HashSet<>());
        settled.add(segs.get(0).name().id());
        UploadPolicy delete = fast().afterUpload(AfterUpload.DELETE).build();
        try (Uploader u = Uploader.builder(spool, new DirectoryDestination(target)).policy(delete)
                .settled(n -> settled.contains(n.id())).build()) {
            assertEquals(1, u.runOnce().uploaded());
            assertFalse(Files.exists(segs.get(0).path()));
            assertTrue(Files.exists(segs.get(1).path()), "not settled: neither uploaded nor deleted");
            assertEquals(1, TestFiles.files(target).size());
            settled.add(segs.get(1).name().id());
            settled.add(segs.get(2).name().id());
            assertEquals(2, u.runOnce().uploaded());
        }
        assertEquals(List.of(), TestFiles.files(spool.resolve("sealed")));
        assertEquals(3, TestFiles.files(target).size());
    }

    @Test
    void dryRunSendsNothingMovesNothingAndLogsSkipped() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "metrics", 3, 10);
        UploadSummary sum;
        try (Uploader u = uploader(new DirectoryDestination(target), fast().dryRun(true).build())) {
            sum = u.runOnce();
            for (int pass = 0; pass < 3; pass++) u.runOnce(); // issue 16: later scans log nothing new
        }
        assertEquals(3, sum.skipped());
        assertTrue(sum.allUploaded());
        assertEquals(List.of(), TestFiles.files(target));
        for (SealedSegment s : segs) assertTrue(Files.exists(s.path()));
        List<UploadRecord> log = UploadLog.query(spool, UploadLog.Query.ALL).records();
        assertEquals(3, log.size());
        for (UploadRecord r : log) {
            assertEquals(UploadStatus.SKIPPED, r.status());
            assertTrue(r.dryRun());
            assertTrue(r.message().contains(r.key()), r.message());
        }
    }

    @Test
    void retriesRetryableFailuresAndLogsEveryAttempt() throws Exception {
        TestSpools.seal(spool, "metrics", 1, 10);
        FlakyDestination d = new FlakyDestination(new DirectoryDestination(target)).fail(Fault.RETRYABLE, 2);
        try (Uploader u = uploader(d, fast().build())) {
            UploadSummary sum = u.runOnce();
            assertEquals(1, sum.uploaded());
            assertEquals(2, u.metrics().retries());
            assertEquals(2, u.metrics().attempts(false));
            assertEquals(1, u.metrics().attempts(true));
        }
        List<UploadRecord> log = UploadLog.query(spool, UploadLog.Query.ALL).records();
        assertEquals(List.of(UploadStatus.FAILED, UploadStatus.FAILED, UploadStatus.SUCCESS),
                log.stream().map(UploadRecord::status).toList());
        assertEquals(List.of(1, 2, 3), log.stream().map(UploadRecord::attempt).toList());
        assertTrue(log.get(0).message().contains("503"), log.get(0).message());
        assertFalse(log.get(0).permanent());
    }

    @Test
    void givesUpAfterMaxAttemptsAndLeavesTheFileInPlace() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "metrics", 1, 10);
        FlakyDestination d = new FlakyDestination(new DirectoryDestination(target)).fail(Fault.RETRYABLE);
        UploadSummary sum;
        try (Uploader u = uploader(d, fast().maxAttempts(3).build())) {
            sum = u.runOnce();
        }
        assertEquals(1, sum.failed());
        assertFalse(sum.allUploaded());
        assertEquals(3, d.calls());
        assertTrue(Files.exists(segs.get(0).path()));
        assertEquals(1, sum.failures().size());
        assertTrue(sum.failures().get(0).message().contains("503"));
    }

    @Test
    void permanentFailuresAreNotRetriedAndQuarantineAfterTheLimit() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "metrics", 2, 10);
        FlakyDestination d = new FlakyDestination(new DirectoryDestination(target)).fail(Fault.PERMANENT);
        try (Uploader u = uploader(d, fast().permanentFailureLimit(3).build())) {
            for (int pass = 1; pass <= 2; pass++) {
                UploadSummary sum = u.runOnce();
                assertEquals(2, sum.failed(), "pass " + pass);
                assertEquals(0, sum.quarantined());
            }
            assertEquals(4, d.calls(), "one attempt per file per pass: permanent failures are not retried");
            UploadSummary third = u.runOnce();
            assertEquals(2, third.quarantined());
            assertFalse(third.allUploaded());
            assertEquals(2, u.metrics().quarantined());
        }
        SpoolLayout layout = new SpoolLayout(spool);
        for (SealedSegment s : segs) {
            assertFalse(Files.exists(s.path()));
            Path q = layout.quarantine().resolve("metrics").resolve(s.name().fileName());
            assertTrue(Files.exists(q), "quarantined: " + q);
            String reason = Files.readString(q.resolveSibling(s.name().fileName() + ".reason"));
            assertTrue(reason.contains("REJECTED_BY_DESTINATION"), reason);
            assertTrue(reason.contains("403"), reason);
        }
    }

    @Test
    void permanentFailureCountSurvivesARestartThroughTheUploadLog() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "metrics", 1, 10);
        UploadPolicy p = fast().permanentFailureLimit(2).build();
        for (int run = 1; run <= 2; run++) {
            FlakyDestination d = new FlakyDestination(new DirectoryDestination(target)).fail(Fault.PERMANENT);
            try (Uploader u = uploader(d, p)) {
                UploadSummary sum = u.runOnce();
                assertEquals(run == 1 ? 1 : 0, sum.failed(), "run " + run);
                assertEquals(run == 1 ? 0 : 1, sum.quarantined(), "run " + run);
            }
        }
        assertFalse(Files.exists(segs.get(0).path()));
    }

    @Test
    void breakerOpensStopsAttemptsAndClosesAfterRecovery() throws Exception {
        TestSpools.seal(spool, "metrics", 12, 5);
        FlakyDestination d = new FlakyDestination(new DirectoryDestination(target)).fail(Fault.RETRYABLE);
        List<BreakerState> states = Collections.synchronizedList(new ArrayList<>());
        UploadPolicy p = fast().concurrency(1).maxAttempts(2)
                .breaker(50, 4, Duration.ofMinutes(1), Duration.ofSeconds(3)).build(); // open long enough for a pass on a busy machine
        try (Uploader u = Uploader.builder(spool, d).policy(p).listener(new UploadListener() {
            @Override
            public void breakerChanged(String destination, BreakerState state) {
                states.add(state);
            }
        }).build()) {
            UploadSummary first = u.runOnce();
            assertEquals(BreakerState.OPEN, u.metrics().breakerState());
            assertTrue(first.deferred() > 0, "files left waiting while open: " + first);
            assertEquals(12, first.failed() + first.deferred());
            int callsWhenOpen = d.calls();
            assertTrue(callsWhenOpen < 12, "stopped trying: " + callsWhenOpen);

            UploadSummary whileOpen = u.runOnce();
            assertEquals(callsWhenOpen, d.calls(), "no attempt while the breaker is open");
            assertEquals(12, whileOpen.deferred());

            d.fail(Fault.NONE);
            awaitBreakerNotOpen(u);
            UploadSummary recovered = u.runOnce();
            assertEquals(12, recovered.uploaded(), recovered.toString());
            assertEquals(BreakerState.CLOSED, u.metrics().breakerState());
        }
        assertEquals(List.of(BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED), states);
    }

    /** Waits out the breaker's open delay; the next pass then sends a probe. */
    static void awaitBreakerNotOpen(Uploader u) throws InterruptedException {
        Thread.sleep(u.policy().breakerDelay().toMillis() + 100);
    }

    @Test
    void attemptThatHangsTimesOutAndIsRetried() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "metrics", 1, 10);
        FlakyDestination d = new FlakyDestination(new DirectoryDestination(target)).fail(Fault.HANG, 1);
        UploadPolicy p = fast().attemptTimeout(Duration.ofMillis(300)).build();
        try (Uploader u = uploader(d, p)) {
            UploadSummary sum = u.runOnce();
            assertEquals(1, sum.uploaded(), sum.toString());
        }
        List<UploadRecord> log = UploadLog.query(spool, UploadLog.Query.ALL).records();
        assertEquals(UploadStatus.FAILED, log.get(0).status());
        assertTrue(log.get(0).message().contains("timed out"), log.get(0).message());
        assertEquals(UploadStatus.SUCCESS, log.get(1).status());
        assertFalse(Files.exists(segs.get(0).path()));
    }

    @Test
    void aFileThatVanishesMidUploadIsNeitherFailedNorRetried() throws Exception {
        TestSpools.seal(spool, "metrics", 2, 10);
        FlakyDestination d = new FlakyDestination(new DirectoryDestination(target)).fail(Fault.SOURCE_VANISHES, 1);
        UploadSummary sum;
        try (Uploader u = uploader(d, fast().concurrency(1).build())) {
            sum = u.runOnce();
        }
        assertEquals(1, sum.uploaded());
        assertEquals(0, sum.failed());
        assertTrue(sum.allUploaded(), sum.toString());
        assertEquals(2, d.calls(), "the vanished file was not retried");
        assertEquals(1, UploadLog.query(spool, UploadLog.Query.ALL).records().size());
    }

    @Test
    void neverRunsMoreUploadsAtOnceThanConfigured() throws Exception {
        TestSpools.seal(spool, "metrics", 10, 5);
        FlakyDestination d = new FlakyDestination(new DirectoryDestination(target)).slow(50);
        try (Uploader u = uploader(d, fast().concurrency(3).build())) {
            assertEquals(10, u.runOnce().uploaded());
        }
        assertTrue(d.maxConcurrent() <= 3, "max concurrent " + d.maxConcurrent());
        assertTrue(d.maxConcurrent() >= 2, "uploads ran in parallel: " + d.maxConcurrent());
    }

    @Test
    void aRepeatedUploadAfterACrashOverwritesTheSameKey() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "metrics", 3, 10);
        DirectoryDestination dir = new DirectoryDestination(target);
        // "crash" after uploading the first file but before marking it: the file is still in sealed/
        SealedSegment s = segs.get(0);
        dir.put(new UploadItem(s.path(), s.name(), dir.keyFor(s.name()), Files.size(s.path()), Duration.ofSeconds(5)));
        try (Uploader u = uploader(dir, fast().build())) {
            assertEquals(3, u.runOnce().uploaded());
        }
        assertEquals(3, TestFiles.files(target).size(), "no second copy: " + TestFiles.files(target));
        assertEquals(List.of(), TestFiles.files(spool.resolve("sealed")));
    }

    @Test
    void keepsWatchingAndUploadsNewSegmentsWhenWoken() throws Exception {
        TestSpools.seal(spool, "metrics", 1, 10);
        try (Uploader u = uploader(new DirectoryDestination(target), fast().scanInterval(Duration.ofMinutes(10)).build())) {
            u.start();
            TestFiles.awaitFiles(target, 1, Duration.ofSeconds(30));
            TestSpools.bigSegment(spool, "metrics", T0 + 5 * HOUR, 1000, 1);
            u.wake();
            TestFiles.awaitFiles(target, 2, Duration.ofSeconds(30));
        }
    }

    @Test
    void replayUploadsAgainWhatIsKeptInUploaded() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "metrics", 4, 10);
        TestSpools.seal(spool, "other", 1, 10);
        try (Uploader u = uploader(new DirectoryDestination(target), fast().build())) {
            assertEquals(5, u.runOnce().uploaded());
        }
        Path again = target.resolve("again");
        UploadSummary sum;
        try (Uploader u = uploader(new DirectoryDestination(again), fast().build())) {
            // hours 1 and 2 of the metrics stream only
            sum = u.replay(Set.of("metrics"), T0 + HOUR, T0 + 3 * HOUR);
        }
        assertEquals(2, sum.uploaded());
        assertEquals(List.of("metrics/" + segs.get(1).name().partition() + "/" + segs.get(1).name().fileName(),
                "metrics/" + segs.get(2).name().partition() + "/" + segs.get(2).name().fileName()), TestFiles.files(again));
        SpoolLayout layout = new SpoolLayout(spool);
        for (SealedSegment s : segs) assertTrue(Files.exists(layout.uploadedPath(s.name())), "kept in uploaded/");
        assertTrue(UploadLog.query(spool, UploadLog.Query.ALL).records().stream().filter(UploadRecord::replay).count() == 2);
    }

    @Test
    void twoUploadersCannotWorkOnOneSpool() throws Exception {
        TestSpools.seal(spool, "metrics", 1, 10);
        try (Uploader a = uploader(new DirectoryDestination(target), fast().build());
             Uploader b = uploader(new DirectoryDestination(target), fast().build())) {
            a.runOnce();
            IOException e = assertThrows(IOException.class, b::runOnce);
            assertTrue(e.getMessage().contains("another uploader"), e.getMessage());
        }
    }

    @Test
    void metricsCountQueueAndOutcomes() throws Exception {
        TestSpools.seal(spool, "metrics", 3, 10);
        FlakyDestination d = new FlakyDestination(new DirectoryDestination(target)).fail(Fault.RETRYABLE);
        try (Uploader u = uploader(d, fast().maxAttempts(1).build())) {
            u.runOnce();
            UploaderMetrics m = u.metrics();
            assertEquals(3, m.waitingFiles());
            assertTrue(m.waitingBytes() > 0);
            assertTrue(m.oldestWaitingAge().compareTo(Duration.ZERO) >= 0);
            assertEquals(3, m.files(UploadOutcome.FAILED));
            d.fail(Fault.NONE);
            u.runOnce();
            assertEquals(0, m.waitingFiles());
            assertEquals(0, m.waitingBytes());
            assertEquals(Duration.ZERO, m.oldestWaitingAge());
            assertEquals(3, m.uploaded());
            assertTrue(m.bytesUploaded() > 0);
            assertEquals(6, m.latencyCount());
        }
    }

    @Test
    void listenerHearsEveryAttemptRetryAndOutcome() throws Exception {
        TestSpools.seal(spool, "metrics", 3, 10);
        FlakyDestination d = new FlakyDestination(new DirectoryDestination(target)).fail(Fault.RETRYABLE, 1);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        UploadListener l = new UploadListener() {
            @Override
            public void attempted(String destination, boolean success, long bytes, Duration latency) {
                assertTrue(bytes > 0);
                assertFalse(latency.isNegative());
                events.add(success ? "ok" : "failed");
            }

            @Override
            public void retried(String destination) {
                events.add("retry");
            }

            @Override
            public void finished(String destination, UploadItem item, UploadOutcome outcome) {
                assertEquals(d.name(), destination);
                events.add(outcome.name());
            }
        };
        try (Uploader u = Uploader.builder(spool, d).policy(fast().concurrency(1).build()).listener(l).build()) {
            u.runOnce();
        }
        assertEquals(List.of("failed", "retry", "ok", "UPLOADED", "ok", "UPLOADED", "ok", "UPLOADED"), events);
    }

    @Test
    void announcesUploadedAndQuarantinedSpoolEvents() throws Exception {
        List<SealedSegment> segs = TestSpools.seal(spool, "metrics", 2, 10);
        List<SpoolEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (Uploader u = Uploader.builder(spool, new DirectoryDestination(target)).policy(fast().build()).events(events::add).build()) {
            u.runOnce();
        }
        SpoolLayout layout = new SpoolLayout(spool);
        assertEquals(2, events.size());
        for (SpoolEvent e : events) {
            assertEquals(SpoolEvent.Type.UPLOADED, e.type());
            assertEquals(layout.uploadedPath(e.name()), e.path());
            assertTrue(Files.exists(e.path()));
        }
        events.clear();
        TestSpools.seal(spool, "metrics", 1, 10);
        FlakyDestination refusing = new FlakyDestination(new DirectoryDestination(target)).fail(Fault.PERMANENT);
        try (Uploader u = Uploader.builder(spool, refusing).policy(fast().permanentFailureLimit(1).build()).events(events::add).build()) {
            u.runOnce();
        }
        assertEquals(1, events.size());
        assertEquals(SpoolEvent.Type.QUARANTINED, events.get(0).type());
        assertTrue(events.get(0).path().startsWith(layout.quarantine()));
        assertTrue(events.get(0).detail().startsWith("REJECTED_BY_DESTINATION"), events.get(0).detail());
        assertFalse(segs.isEmpty());
    }
}
