package dev.cistern.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17, 3: a journal whose tail was truncated, zeroed or flipped opens with every entry whose bytes
 * are intact readable exactly once under its index, the damaged ones counted, and new appends readable
 * after them under indices never used before.
 */
class JournalRecoveryTest {
    private static final String CYCLE = "FIVE_MINUTELY";
    private static final int ENTRIES = 120;

    @TempDir Path dir;

    /** Where each entry's document lies in the cycle file: [index, start of its 4-byte header, end]. */
    private final List<long[]> docs = new ArrayList<>();
    private final Map<Long, Integer> numberOf = new HashMap<>();

    private Path journalWith(int entries) throws Exception {
        Path j = dir.resolve("data").resolve("journal");
        try (Journal journal = Journal.open(j, CYCLE)) {
            for (int i = 0; i < entries; i++) {
                byte[] p = payload(i);
                numberOf.put(journal.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length), i);
            }
        }
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(j).rollCycle(Journal.rollCycle(CYCLE)).build();
             ExcerptTailer t = q.createTailer()) {
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) break;
                    docs.add(new long[] {dc.index(), dc.wire().bytes().readPosition() - 4, dc.wire().bytes().readLimit()});
                }
            }
        }
        assertEquals(entries, docs.size());
        return j;
    }

    private static byte[] payload(int i) {
        byte[] p = new byte[300 + (i * 37) % 900];
        new SplittableRandom(i).nextBytes(p);
        return p;
    }

    private static Path cycleFile(Path j) throws Exception {
        try (Stream<Path> s = Files.list(j)) {
            return s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    /** Opens the journal (within 30 s: Chronicle must not block), reads it all, appends 3 and reads those back. */
    private Outcome reopen(Path j) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Outcome o = new Outcome();
            try (Journal journal = Journal.open(j, CYCLE)) {
                o.damaged = journal.damage().entries();
                o.lastBefore = journal.lastIndex();
                readAll(journal, o.intact, o.skipped);
                for (int i = 0; i < 3; i++) {
                    byte[] p = ("new " + i).getBytes();
                    o.appended.add(journal.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length));
                }
                List<Long> after = new ArrayList<>();
                readAll(journal, after, new ArrayList<>());
                o.readAfter = after;
            }
            return o;
        });
    }

    private void readAll(Journal journal, List<Long> intact, List<Long> skipped) {
        try (JournalTailer t = journal.tailer()) {
            t.seek(-1);
            for (JournalEntry e = t.next(); e != null; e = t.next()) {
                if (e.kind() == JournalEntry.Kind.NDJSON) {
                    Integer n = numberOf.get(e.index());
                    if (n != null && Arrays.equals(payload(n), e.payload())) intact.add(e.index());
                    else if (n == null) intact.add(e.index()); // a new one
                } else if (e.kind() == null) {
                    skipped.add(e.index());
                }
            }
        }
    }

    private static final class Outcome {
        long damaged;
        long lastBefore;
        final List<Long> intact = new ArrayList<>();
        final List<Long> skipped = new ArrayList<>();
        final List<Long> appended = new ArrayList<>();
        List<Long> readAfter;
    }

    /** Entries whose document ends at or before {@code offset}: their bytes are intact. */
    private List<Long> intactBefore(long offset) {
        List<Long> out = new ArrayList<>();
        for (long[] d : docs) if (d[2] <= offset) out.add(d[0]);
        return out;
    }

    private void assertRecovered(Outcome o, List<Long> intact, String what) {
        assertTrue(o.intact.containsAll(intact) && o.intact.size() >= intact.size(),
                what + ": intact entries " + intact.size() + ", read back " + o.intact.size());
        for (long i : o.intact) assertTrue(numberOf.containsKey(i), what + ": read an entry never appended: " + i);
        assertEquals(o.intact.stream().distinct().count(), o.intact.size(), what + ": an entry read twice");
        assertTrue(o.readAfter.containsAll(o.appended), what + ": new entries read back " + o.readAfter + " / " + o.appended);
        long maxOld = docs.get(docs.size() - 1)[0];
        if (intact.size() < docs.size()) {
            assertTrue(o.damaged >= docs.size() - o.intact.size(), what + ": damage counted: " + o.damaged + " of "
                    + (docs.size() - o.intact.size()) + " entries not read back");
            for (long a : o.appended) assertTrue(a > maxOld, what + ": new entry " + a + " reuses an index up to " + maxOld);
        }
    }

    @ParameterizedTest(name = "truncated {0}/16 of the way into the entries")
    @ValueSource(ints = {0, 1, 5, 8, 11, 15})
    void truncatedInsideAnEntry(int sixteenths) throws Exception {
        Path j = journalWith(ENTRIES);
        long[] d = docs.get(ENTRIES * sixteenths / 16);
        long cut = d[1] + (d[2] - d[1]) / 2;
        try (RandomAccessFile f = new RandomAccessFile(cycleFile(j).toFile(), "rw")) {
            f.setLength(cut);
        }
        assertRecovered(reopen(j), intactBefore(cut), "cut at " + cut);
    }

    @ParameterizedTest(name = "cut {0} bytes into a document header")
    @ValueSource(ints = {0, 1, 2, 3})
    void truncatedInsideChroniclesHeader(int into) throws Exception {
        Path j = journalWith(ENTRIES);
        long cut = docs.get(ENTRIES / 2)[1] + into;
        try (RandomAccessFile f = new RandomAccessFile(cycleFile(j).toFile(), "rw")) {
            f.setLength(cut);
        }
        assertRecovered(reopen(j), intactBefore(cut), "cut at header +" + into);
    }

    @ParameterizedTest(name = "last {0} KiB zeroed")
    @ValueSource(ints = {1, 4, 16, 64})
    void zeroedTail(int kib) throws Exception {
        Path j = journalWith(ENTRIES);
        long end = docs.get(docs.size() - 1)[2];
        long from = Math.max(docs.get(0)[1], end - kib * 1024L);
        try (RandomAccessFile f = new RandomAccessFile(cycleFile(j).toFile(), "rw")) {
            f.seek(from);
            f.write(new byte[(int) (end - from)]);
        }
        assertRecovered(reopen(j), intactBefore(from), "zeroed from " + from);
    }

    @Test
    void cutAtAnEntryBoundaryStillRollsPastTheLostIndices() throws Exception {
        Path j = journalWith(ENTRIES);
        long cut = docs.get(ENTRIES - 10)[1];
        try (RandomAccessFile f = new RandomAccessFile(cycleFile(j).toFile(), "rw")) {
            f.setLength(cut);
        }
        Outcome o = reopen(j);
        assertRecovered(o, intactBefore(cut), "cut at a boundary");
        assertTrue(o.damaged >= 1);
    }

    @Test
    void flippedBytesAreCountedAndSkippedAndTheRestReads() throws Exception {
        Path j = journalWith(ENTRIES);
        SplittableRandom rnd = new SplittableRandom(17);
        List<Long> hit = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(cycleFile(j).toFile(), "rw")) {
            for (int k = 0; k < 20; k++) {
                long[] d = docs.get(rnd.nextInt(docs.size()));
                long at = d[1] + 4 + rnd.nextLong(d[2] - d[1] - 4); // inside the entry, not Chronicle's length word
                f.seek(at);
                int b = f.read();
                f.seek(at);
                f.write(b ^ (1 << rnd.nextInt(8)));
                hit.add(d[0]);
            }
        }
        List<Long> intact = new ArrayList<>();
        for (long[] d : docs) if (!hit.contains(d[0])) intact.add(d[0]);
        Outcome o = reopen(j);
        assertRecovered(o, intact, "flips");
        assertEquals(hit.stream().distinct().count(), o.skipped.size(), "each flipped entry skipped once: " + o.skipped);
    }

    @Test
    void aFlippedLengthWordEndsTheReadableEntriesAndTheRestIsCounted() throws Exception {
        Path j = journalWith(ENTRIES);
        long[] d = docs.get(70);
        try (RandomAccessFile f = new RandomAccessFile(cycleFile(j).toFile(), "rw")) {
            f.seek(d[1] + 1);
            f.write(0x55);
        }
        Outcome o = reopen(j);
        assertRecovered(o, intactBefore(d[1]), "length word");
        assertTrue(Files.list(Journal.quarantine(j)).anyMatch(p -> p.toString().endsWith(".reason")), "the damaged file is kept");
    }

    @Test
    void aHealthyJournalIsLeftAsItIs() throws Exception {
        Path j = journalWith(ENTRIES);
        long size = Files.size(cycleFile(j));
        Outcome o = reopen(j);
        assertEquals(0, o.damaged);
        assertEquals(docs.size(), o.intact.size());
        assertEquals(docs.get(docs.size() - 1)[0] + 1, o.appended.get(0), "appends go on in the same cycle");
        assertTrue(Files.size(cycleFile(j)) >= size);
        assertTrue(!Files.exists(Journal.quarantine(j)));
    }

    @ParameterizedTest(name = "cut {0} bytes into the file")
    @ValueSource(ints = {2, 100, 4000})
    void truncatedInsideTheFilesOwnHeader(int cut) throws Exception {
        Path j = journalWith(ENTRIES);
        try (RandomAccessFile f = new RandomAccessFile(cycleFile(j).toFile(), "rw")) {
            f.setLength(cut);
        }
        Outcome o = reopen(j);
        assertEquals(List.of(), o.intact, "nothing of the cycle reads");
        for (long a : o.appended) assertTrue(a > docs.get(docs.size() - 1)[0], "new entry " + a + " reuses a lost index");
        assertEquals(o.appended, o.readAfter, "new entries are read");
    }

    @Test
    void aRecoveredJournalOpensCleanTheNextTime() throws Exception {
        Path j = journalWith(ENTRIES);
        long cut = docs.get(ENTRIES / 2)[1] + 7;
        try (RandomAccessFile f = new RandomAccessFile(cycleFile(j).toFile(), "rw")) {
            f.setLength(cut);
        }
        Outcome first = reopen(j);
        assertTrue(first.damaged > 0);
        Outcome second = reopen(j);
        assertEquals(0, second.damaged, "the rebuilt journal is whole");
        assertTrue(second.intact.containsAll(first.readAfter), "everything read before reads again");
    }

    @Test
    void damageInAnOlderCycleIsRebuiltAndLaterCyclesStillRead() throws Exception {
        Path j = dir.resolve("data").resolve("journal");
        List<Long> appended = new ArrayList<>();
        try (Journal journal = Journal.open(j, "TEST_SECONDLY")) {
            for (int i = 0; i < 30; i++) {
                byte[] p = payload(i);
                long index = journal.append(JournalEntry.Kind.NDJSON, "s", p, 0, p.length);
                numberOf.put(index, i);
                appended.add(index);
                Thread.sleep(i % 10 == 9 ? 1100 : 0); // three cycles of ten entries
            }
        }
        List<Path> cycles;
        try (Stream<Path> s = Files.list(j)) {
            cycles = s.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        }
        assertTrue(cycles.size() >= 3, cycles.toString());
        Path middle = cycles.get(1);
        long end = JournalRecovery.lastNonZero(middle, 0);
        try (RandomAccessFile f = new RandomAccessFile(middle.toFile(), "rw")) {
            f.seek(end - 600);
            f.write(new byte[600]);
        }
        Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Outcome r = new Outcome();
            try (Journal journal = Journal.open(j, "TEST_SECONDLY")) {
                r.damaged = journal.damage().entries();
                readAll(journal, r.intact, r.skipped);
            }
            return r;
        });
        assertTrue(o.damaged > 0);
        int lastCycle = Journal.rollCycle("TEST_SECONDLY").toCycle(appended.get(appended.size() - 1));
        for (long a : appended) {
            if (Journal.rollCycle("TEST_SECONDLY").toCycle(a) == lastCycle) assertTrue(o.intact.contains(a), "later cycle entry " + a);
        }
        assertEquals(o.intact.stream().distinct().count(), o.intact.size());
    }
}
