package dev.cistern.uploader.log;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadLogTest {
    @TempDir Path spool;

    static UploadRecord record(long ts, UploadStatus status, String message) {
        return new UploadRecord(ts, "sealed/m/dt=2025-11-22/hour=01/f" + ts + ".json.br", "m", "s3://b/p", "p/m/f" + ts,
                status, message, 12, 3456, 1, status == UploadStatus.FAILED, status == UploadStatus.SKIPPED, false);
    }

    @Test
    void writesOneJsonLinePerAttemptAndReadsItBack() throws Exception {
        UploadRecord r = record(1763773200000L, UploadStatus.FAILED, "HTTP 403 \"AccessDenied\"\nsecond line");
        try (UploadLog log = UploadLog.open(spool)) {
            log.append(r);
        }
        List<Path> files = LogFiles.list(UploadLog.directoryOf(spool));
        assertEquals(1, files.size());
        List<String> lines = Files.readAllLines(files.get(0));
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("{\"ts\":1763773200000,\"time\":\"2025-11-22T01:00:00Z\""), lines.get(0));
        assertTrue(lines.get(0).contains("\"status\":\"failed\""));
        assertTrue(lines.get(0).contains("\"dry_run\":false"));
        assertEquals(List.of(r), UploadLog.query(spool, UploadLog.Query.ALL).records());
    }

    @Test
    void queriesByStatusSinceAndLimitNewestLast() throws Exception {
        try (UploadLog log = UploadLog.open(spool)) {
            for (int i = 0; i < 10; i++) log.append(record(1000 + i, i % 3 == 0 ? UploadStatus.FAILED : UploadStatus.SUCCESS, "m" + i));
        }
        UploadLog.Result failed = UploadLog.query(spool, new UploadLog.Query(UploadStatus.FAILED, Long.MIN_VALUE, 0));
        assertEquals(List.of(1000L, 1003L, 1006L, 1009L), failed.records().stream().map(UploadRecord::ts).toList());
        assertEquals(4, failed.matched());
        UploadLog.Result lastTwo = UploadLog.query(spool, new UploadLog.Query(null, 1004, 2));
        assertEquals(List.of(1008L, 1009L), lastTwo.records().stream().map(UploadRecord::ts).toList());
        assertEquals(6, lastTwo.matched());
    }

    @Test
    void anInterruptedWriterDoesNotCloseTheLog() throws Exception {
        // upload threads get interrupted when an attempt times out; the log must stay usable
        try (UploadLog log = UploadLog.open(spool)) {
            Thread.currentThread().interrupt();
            try {
                log.append(record(1, UploadStatus.FAILED, "timed out"));
            } finally {
                Thread.interrupted();
            }
            log.append(record(2, UploadStatus.SUCCESS, ""));
        }
        assertEquals(List.of(1L, 2L), UploadLog.query(spool, UploadLog.Query.ALL).records().stream().map(UploadRecord::ts).toList());
    }

    @Test
    void skipsATornLineAndContinuesOnANewLine() throws Exception {
        try (UploadLog log = UploadLog.open(spool)) {
            log.append(record(1, UploadStatus.SUCCESS, ""));
        }
        Path file = LogFiles.list(UploadLog.directoryOf(spool)).get(0);
        Files.writeString(file, "{\"ts\":2,\"file\":\"torn", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (UploadLog log = UploadLog.open(spool)) {
            log.append(record(3, UploadStatus.SUCCESS, ""));
        }
        assertEquals(List.of(1L, 3L), UploadLog.query(spool, UploadLog.Query.ALL).records().stream().map(UploadRecord::ts).toList());
    }

    @Test
    void rollsFilesAndDropsTheOldestPastTheSizeLimit() throws Exception {
        UploadLog.Retention small = new UploadLog.Retention(4096, Duration.ofDays(1), 1024);
        try (UploadLog log = UploadLog.open(spool, small)) {
            for (int i = 0; i < 200; i++) log.append(record(i, UploadStatus.SUCCESS, ""));
        }
        List<Path> files = LogFiles.list(UploadLog.directoryOf(spool));
        assertTrue(files.size() > 1, "rolled: " + files);
        long total = 0;
        for (Path f : files) total += Files.size(f);
        assertTrue(total <= 4096 + 1024, "bounded: " + total);
        List<UploadRecord> left = UploadLog.query(spool, UploadLog.Query.ALL).records();
        assertEquals(199L, left.get(left.size() - 1).ts(), "newest kept");
        assertTrue(left.get(0).ts() > 0, "oldest dropped");
    }

    @Test
    void dropsFilesOlderThanTheAgeLimit() throws Exception {
        UploadLog.Retention r = new UploadLog.Retention(1 << 20, Duration.ofDays(1), 1024);
        try (UploadLog log = UploadLog.open(spool, r)) {
            for (int i = 0; i < 20; i++) log.append(record(i, UploadStatus.SUCCESS, ""));
        }
        List<Path> before = LogFiles.list(UploadLog.directoryOf(spool));
        assertTrue(before.size() > 1);
        Path old = before.get(0);
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        try (UploadLog log = UploadLog.open(spool, r)) {
            log.append(record(99, UploadStatus.SUCCESS, ""));
        }
        assertFalse(Files.exists(old));
    }
}
