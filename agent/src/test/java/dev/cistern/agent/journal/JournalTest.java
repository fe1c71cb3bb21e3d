package dev.cistern.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir Path dir;

    @Test
    void entriesComeBackInOrderWithTheirIndex() throws Exception {
        List<Long> appended = new ArrayList<>();
        try (Journal j = Journal.open(dir, "TEST_SECONDLY")) {
            for (int i = 0; i < 5; i++) {
                byte[] p = ("entry " + i).getBytes(StandardCharsets.UTF_8);
                appended.add(j.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length));
            }
            try (JournalTailer r = j.tailer()) {
                r.seek(appended.get(2));
                assertEquals("entry 2", new String(r.next().payload(), StandardCharsets.UTF_8));
                JournalEntry e = r.next();
                assertEquals(appended.get(3), e.index());
                assertEquals("s", e.stream());
            }
        }
    }

    @Test
    void withSyncEveryAppendIsSyncedAndReadsBack() throws Exception {
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY", true, JournalBlocks.DEFAULT_MAX_BODY)) {
            for (int i = 0; i < 3; i++) {
                byte[] p = ("synced " + i).getBytes(StandardCharsets.UTF_8);
                j.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length);
            }
            assertEquals(3, j.syncedAppends());
            try (JournalTailer r = j.tailer()) {
                r.seek(-1);
                for (int i = 0; i < 3; i++) assertEquals("synced " + i, new String(r.next().payload(), StandardCharsets.UTF_8));
            }
        }
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY")) {
            byte[] p = "not synced".getBytes(StandardCharsets.UTF_8);
            j.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length);
            assertEquals(0, j.syncedAppends(), "sync is off by default");
        }
    }

    @Test
    void diskUseCountsWhatTheSparseCycleFilesHold() throws Exception {
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY")) {
            byte[] p = new byte[100_000];
            j.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length);
            long apparent;
            try (Stream<Path> s = Files.list(dir)) {
                apparent = s.filter(f -> f.toString().endsWith(".cq4")).mapToLong(f -> f.toFile().length()).sum();
            }
            long used = j.diskBytes();
            assertTrue(used >= p.length, "the entry's bytes are counted: " + used);
            assertTrue(used < apparent / 8, "counted at the sparse file's apparent size " + apparent + ": " + used);
        }
    }

    @Test
    void aCycleFileLeftUninitialisedByACrashDoesNotBlockStartup() throws Exception {
        Path dir = this.dir.resolve("journal"); // its quarantine is a sibling
        try (Journal j = Journal.open(dir, "TEST_SECONDLY")) {
            byte[] p = "before the crash".getBytes(StandardCharsets.UTF_8);
            j.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length);
        }
        // what kill -9 between creating a cycle file and writing its header leaves: a later cycle, all zeros
        Files.write(dir.resolve("29991231-235959T.cq4"), new byte[1 << 16]);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Journal j = Journal.open(dir, "TEST_SECONDLY"); JournalTailer r = j.tailer()) {
                r.seek(-1);
                assertEquals("before the crash", new String(r.next().payload(), StandardCharsets.UTF_8));
                byte[] p = "after".getBytes(StandardCharsets.UTF_8);
                j.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length);
            }
        });
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().startsWith("2999")).count(), "the empty cycle was set aside");
        }
        try (Stream<Path> s = Files.list(Journal.quarantine(dir))) {
            List<String> kept = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("29991231-235959T.cq4.")).toList();
            assertEquals(2, kept.size(), "kept in quarantine with the reason beside it: " + kept);
            Path reason = Journal.quarantine(dir).resolve(kept.stream().filter(n -> n.endsWith(".reason")).findFirst().orElseThrow());
            assertTrue(Files.readString(reason).contains("never initialised"), "says why");
        }
    }

    /** All cycles released (everything sealed), then a crash while creating the next: the same journal, rolled past it. */
    @Test
    void aCrashWhileCreatingTheOnlyCycleFileKeepsTheJournalsIdentity() throws Exception {
        Path dir = this.dir.resolve("journal"); // its quarantine is a sibling
        String id;
        long before;
        try (Journal j = Journal.open(dir, "TEST_SECONDLY")) {
            id = j.identity().id();
            byte[] p = "sealed and released".getBytes(StandardCharsets.UTF_8);
            before = j.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length);
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".cq4")).toList()) Files.delete(p); // released
        }
        String next = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss'T'").withZone(ZoneOffset.UTC)
                .format(Instant.now().plusSeconds(1));
        Files.write(dir.resolve(next + ".cq4"), new byte[1 << 16]);
        try (Journal j = Journal.open(dir, "TEST_SECONDLY")) {
            assertEquals(id, j.identity().id(), "the journal is the one that crashed, not a new one");
            byte[] p = "after".getBytes(StandardCharsets.UTF_8);
            long after = j.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length);
            assertTrue(after > before, "new entries come after the old ones: " + after + " <= " + before);
        }
    }

    @Test
    void entriesWrittenBeforeChecksumsStillRead() throws Exception {
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).rollCycle(Journal.rollCycle("FIVE_MINUTELY")).build();
             ExcerptAppender a = q.createAppender();
             DocumentContext dc = a.writingDocument()) {
            byte[] p = "old".getBytes(StandardCharsets.UTF_8);
            dc.wire().bytes().writeByte((byte) 2).writeUtf8("s").writeInt(p.length).write(p); // the format before checksums
        }
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY"); JournalTailer r = j.tailer()) {
            assertEquals(0, j.damage().entries(), "nothing damaged");
            r.seek(-1);
            JournalEntry e = r.next();
            assertEquals(JournalEntry.Kind.NDJSON, e.kind());
            assertEquals("old", new String(e.payload(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aChangedByteFailsTheEntrysChecksum() throws Exception {
        long index;
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY")) {
            byte[] p = "abcdefghij".getBytes(StandardCharsets.UTF_8);
            index = j.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length);
        }
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).rollCycle(Journal.rollCycle("FIVE_MINUTELY")).build();
             ExcerptTailer t = q.createTailer()) {
            assertTrue(t.moveToIndex(index));
            try (DocumentContext dc = t.readingDocument()) {
                long last = dc.wire().bytes().readLimit() - 1;
                dc.wire().bytes().writeByte(last, (byte) 'X'); // the payload's last byte, as a flipped bit on disk would
            }
        }
        try (Journal j = Journal.open(dir, "FIVE_MINUTELY"); JournalTailer r = j.tailer()) {
            assertEquals(1, j.damage().entries());
            r.seek(-1);
            assertEquals(null, r.next().kind(), "read as damaged");
        }
    }
}
