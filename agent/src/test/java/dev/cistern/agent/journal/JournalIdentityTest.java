package dev.cistern.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.spool.JournalProgress;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17, 4: the journal's identity and roll cycle, and the resume plan that trusts only what is the journal's. */
class JournalIdentityTest {
    @TempDir Path dir;

    private Path journalDir() {
        return new SpoolLayout(dir).journal();
    }

    private static long append(Journal j) throws Exception {
        byte[] p = "x".getBytes();
        return j.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length);
    }

    private void sealed(String stream, String id, long source) throws Exception {
        SpoolLayout layout = new SpoolLayout(dir);
        SegmentName n = new SegmentName(stream, 1, 2, 1, 10, 1, id, source);
        Path p = layout.sealedPath(n);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
    }

    @Test
    void aJournalKeepsItsIdentityUntilItsCycleFilesAreGone() throws Exception {
        String first;
        try (Journal j = Journal.open(journalDir(), "FIVE_MINUTELY")) {
            first = j.identity().id();
            assertTrue(j.identity().createdMillis() > 0);
            append(j);
        }
        try (Journal j = Journal.open(journalDir(), "FIVE_MINUTELY")) {
            assertEquals(first, j.identity().id());
        }
        try (Stream<Path> s = Files.list(journalDir())) {
            for (Path p : s.filter(f -> f.toString().endsWith(".cq4")).toList()) Files.delete(p);
        }
        try (Journal j = Journal.open(journalDir(), "FIVE_MINUTELY")) {
            assertNotEquals(first, j.identity().id(), "a journal made afresh is another journal");
        }
    }

    @Test
    void aJournalFromBeforeIdentitiesIsAdoptedAndTrusted() throws Exception {
        try (Journal j = Journal.open(journalDir(), "FIVE_MINUTELY")) {
            append(j);
        }
        Files.delete(journalDir().resolve(JournalIdentity.FILE));
        try (Journal j = Journal.open(journalDir(), "FAST_HOURLY")) {
            assertEquals(0, j.identity().createdMillis());
            assertTrue(j.source().adoptsUnmarkedLedger());
            assertEquals("FIVE_MINUTELY", j.identity().rollCycle(), "Chronicle's own record of the roll cycle");
        }
    }

    @Test
    void aRollCycleThatDisagreesKeepsTheJournalsAndItsBlockAllocation() throws Exception {
        try (Journal j = Journal.open(journalDir(), "FIVE_MINUTELY")) {
            append(j);
        }
        List<String> warnings = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                warnings.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger.getLogger("dev.cistern.agent.journal").addHandler(h);
        try (Journal j = Journal.open(journalDir(), "FAST_HOURLY")) {
            assertEquals("FIVE_MINUTELY", j.identity().rollCycle());
            for (int i = 0; i < 50; i++) append(j);
            assertEquals(0, j.faults());
        } finally {
            Logger.getLogger("dev.cistern.agent.journal").removeHandler(h);
        }
        assertEquals(1, warnings.stream().filter(w -> w.contains("it keeps FIVE_MINUTELY")).count(), warnings.toString());
        assertFalse(warnings.stream().anyMatch(w -> w.contains("allocat")), "block allocation still works: " + warnings);
    }

    @Test
    void oneAgentAtATime() throws Exception {
        try (Journal j = Journal.open(journalDir(), "FIVE_MINUTELY")) {
            IOException e = assertThrows(IOException.class, () -> Journal.open(journalDir(), "FIVE_MINUTELY"));
            assertTrue(e.getMessage().contains("one agent per data directory"), e.getMessage());
        }
    }

    @Test
    void namesFromBeforeTheJournalOrPastItsEndDoNotMoveTheResumePoint() throws Exception {
        try (Journal j = Journal.open(journalDir(), "FIVE_MINUTELY")) {
            long last = -1;
            for (int i = 0; i < 10; i++) last = append(j);
            String now = SegmentName.newId(System.currentTimeMillis() + 1000);
            sealed("ours", now, last - 2);
            sealed("stray", now.substring(0, 19) + "1", 9_000_000_000_000_000_000L);
            sealed("old", "0123456789abcdef0125", last); // made in 2009, long before this journal
            ResumePlan p = ResumePlan.forJournal(j, new SpoolLayout(dir), JournalProgress.Snapshot.empty(2), Set.of(), Lanes.AGENT);
            assertTrue(p.alreadySealed("ours", last - 2));
            assertFalse(p.alreadySealed("stray", last - 1), p.toString());
            assertFalse(p.alreadySealed("old", last), p.toString());
            assertEquals(2, j.damage().ignoredNames());
            assertEquals(last - 2, Math.max(p.resumeAt(0), p.resumeAt(1)), "the lanes resume where ours left off: " + p);
        }
    }

    @Test
    void ledgerIndicesPastTheJournalsEndAreIgnored() throws Exception {
        try (Journal j = Journal.open(journalDir(), "FIVE_MINUTELY")) {
            long last = -1;
            for (int i = 0; i < 4; i++) last = append(j);
            long far = last + 1_000_000; // any lane
            JournalProgress.Snapshot ledger = new JournalProgress.Snapshot(new long[] {far - far % 2, far - far % 2 + 1},
                    Map.of("s", new long[] {far - far % 2, -1}));
            ResumePlan p = ResumePlan.forJournal(j, new SpoolLayout(dir), ledger, Set.of(), Lanes.AGENT);
            assertFalse(p.alreadySealed("s", last), p.toString());
            assertEquals(3, j.damage().ignoredLedgerIndices());
        }
    }
}
