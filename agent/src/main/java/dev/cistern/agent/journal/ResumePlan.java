package dev.cistern.agent.journal;

import dev.cistern.spool.JournalProgress;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.SpoolLayout;
import dev.cistern.spool.TreeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where the applier lanes resume after a restart, read from the spool's journal ledger and its sealed names.
 *
 * <p>Journal entries are dealt to lanes by index ({@link Lanes}); lane l is one thread that
 * handles its entries in order and writes a stream's rows of them into that stream's shard l, one
 * batch per entry. Each sealed segment names the highest journal index whose rows it holds (its
 * {@code .j<index>}), and a shard's segments are sealed in order. So, lane by lane: let M be the
 * highest journal index of the lane over all sealed files. Every entry of the lane before M was fully written for
 * every stream before the segment holding M was sealed; entry M itself may have been written for
 * some streams only. Hence, with P(s) the highest journal index of the lane among stream s's sealed files:
 * <ul>
 *   <li>a stream whose open segment was discarded at recovery has exactly the rows of the lane's
 *       entries up to P(s): later entries are replayed for it;</li>
 *   <li>any other stream has every row of the lane's entries before M (rows after P(s) would have
 *       been in an open segment) and of entries up to P(s): entry M is replayed for it unless P(s) ≥ M.</li>
 * </ul>
 * A discarded stream is replayed from its own position in every lane, which is always safe: its
 * sealed rows in a lane are a prefix of the lane's entries. Uploaded files count as sealed (their
 * names are kept in {@code uploaded/}).
 *
 * <p>"Discarded" includes the streams the ledger still lists as replaying: their temp files went at
 * an earlier start (or replan), so the entries those held are missing for them until they seal past
 * them, whether or not this start found a temp file of theirs. The crash test found this: a stream
 * discarded at one start and killed again before its lane wrote it anything had no temp file at the
 * next, was taken to have every entry before M, and lost the rows of one acknowledged entry.
 *
 * <p>Files go away (retention, uploads with {@code after: delete}), so P(s) is the higher of the names
 * still there and the ledger ({@code JournalProgress}): the spool records a segment's index there after
 * renaming it into {@code sealed/} and before announcing it, and nothing deletes a file the durable
 * ledger does not cover yet ({@code Spool.isSettled}). So the ledger never claims a file that was not
 * sealed, and a name missing from disk is always in it. Crash cases: between the rename and the ledger
 * write, the file is still there and its name counts; during the ledger write, the old file or the new
 * one is read whole (temp, fsync, rename), or a damaged one is ignored, and the files it lacks are still
 * there; a file deleted after the write is in the ledger.
 *
 * <p>The ledger also holds, per lane, C: the index through which every stream is sealed, which the
 * applier records from what is not sealed yet (the lowest index of the lane in an unsealed segment,
 * else the lane's next unread entry, minus one), every few seconds and at a clean stop after sealing
 * everything. Every stream, discarded or not and with or without files, has every entry of the lane
 * up to C: temp files discarded later only ever hold entries above it. So P(s) is at least C for every
 * stream and M at least C. Without C, a stream with no files (one a routing change has just made the
 * default) would get entry M of each lane again after a clean restart.
 */
public final class ResumePlan {
    private final Lanes lanes;
    private final Map<String, long[]> highest; // stream -> P(s) per lane
    private final Set<String> discarded;
    private final long[] complete; // C per lane
    private final long[] m;
    private final long[] resumeAt;

    private ResumePlan(Lanes lanes, Map<String, long[]> highest, Set<String> discarded, long[] complete, long[] m, long[] resumeAt) {
        this.lanes = lanes;
        this.highest = highest;
        this.discarded = discarded;
        this.complete = complete;
        this.m = m;
        this.resumeAt = resumeAt;
    }

    /** A plan for one lane. */
    public static ResumePlan fromSealedOutput(SpoolLayout layout, Set<String> discardedStreams) throws IOException {
        return fromSealedOutput(layout, discardedStreams, Lanes.ONE);
    }

    /** A plan from sealed names alone (no ledger). */
    public static ResumePlan fromSealedOutput(SpoolLayout layout, Set<String> discardedStreams, Lanes lanes) throws IOException {
        return plan(layout, JournalProgress.Snapshot.empty(lanes.count()), discardedStreams, lanes, null);
    }

    /** A plan from the ledger and the names in {@code sealed/} and {@code uploaded/}, whichever is higher. */
    public static ResumePlan fromSealedOutput(SpoolLayout layout, JournalProgress.Snapshot ledger, Set<String> discardedStreams,
                                              Lanes lanes) throws IOException {
        return plan(layout, ledger, discardedStreams, lanes, null);
    }

    /**
     * The plan for {@code journal}: as {@link #fromSealedOutput(SpoolLayout, JournalProgress.Snapshot, Set, Lanes)}, but
     * a name the journal does not own (sealed before the journal was made, or with an index past its end) and a
     * ledger index past its end do not count: each is logged at WARN and counted ({@link JournalDamage}).
     */
    public static ResumePlan forJournal(Journal journal, SpoolLayout layout, JournalProgress.Snapshot ledger,
                                        Set<String> discardedStreams, Lanes lanes) throws IOException {
        return plan(layout, ledger, discardedStreams, lanes, journal);
    }

    private static ResumePlan plan(SpoolLayout layout, JournalProgress.Snapshot ledger, Set<String> discardedStreams,
                                   Lanes lanes, Journal journal) throws IOException {
        int count = lanes.count();
        if (ledger.lanes() != count) throw new IllegalArgumentException("a ledger of " + ledger.lanes() + " lanes for " + lanes);
        UntrustedIndices untrusted = new UntrustedIndices(journal);
        long[] complete = untrusted.ledger("complete_through", ledger.completeThrough().clone());
        Map<String, long[]> highest = new HashMap<>();
        ledger.sealedThrough().forEach((s, own) -> highest.put(s, untrusted.ledger("sealed_through." + s, own.clone())));
        for (Path root : new Path[] {layout.sealed(), layout.uploaded()}) {
            for (Path p : TreeFiles.under(root)) {
                SegmentName n = SegmentName.tryParse(p.getFileName().toString());
                if (n == null || n.source() == SegmentName.NO_SOURCE || !untrusted.owns(n, p)) continue;
                long journalIndex = n.source(); // the .j<index> of the name
                long[] own = highest.computeIfAbsent(n.stream(), s -> minusOnes(count));
                int lane = lanes.laneOf(journalIndex);
                own[lane] = Math.max(own[lane], journalIndex);
            }
        }
        untrusted.report();
        // a stream whose temp files an earlier start (or replan) discarded is owed those entries until it has sealed
        // past them, even when this start found no temp file of it (killed again before it wrote anything)
        Set<String> replayed = new TreeSet<>(discardedStreams);
        ledger.replaying().forEach((s, owed) -> {
            long[] own = highest.get(s);
            for (int l = 0; l < count; l++) {
                if (owed[l] > Math.max(own == null ? -1 : own[l], complete[l])) replayed.add(s);
            }
        });
        long[] m = complete.clone(); // every stream has the lane's entries up to C
        for (long[] own : highest.values()) for (int l = 0; l < count; l++) m[l] = Math.max(m[l], own[l]);
        long[] resume = m.clone(); // entry M is replayed for streams that may lack it; alreadySealed filters the rest
        for (String s : replayed) {
            long[] own = highest.getOrDefault(s, complete);
            for (int l = 0; l < count; l++) {
                long has = Math.max(own[l], complete[l]);
                resume[l] = Math.min(resume[l], has < 0 ? -1 : has + 1);
            }
        }
        return new ResumePlan(lanes, Map.copyOf(highest), Set.copyOf(replayed), complete, m, resume);
    }

    private static long[] minusOnes(int n) {
        long[] a = new long[n];
        Arrays.fill(a, -1);
        return a;
    }

    public Lanes lanes() {
        return lanes;
    }

    /** Lane {@code lane} starts at the first entry with an index at or above this (-1: the start of the journal). */
    public long resumeAt(int lane) {
        return resumeAt[lane];
    }

    /** Where the only lane of a one-lane plan starts. */
    public long resumeAt() {
        if (lanes.count() != 1) throw new IllegalStateException("a plan for " + lanes.count() + " lanes resumes per lane");
        return resumeAt[0];
    }

    /** Whether rows of entry {@code index} for {@code stream} are already sealed. */
    public boolean alreadySealed(String stream, long index) {
        int lane = lanes.laneOf(index);
        if (index <= complete[lane]) return true;
        long[] own = highest.get(stream);
        if (own != null && index <= own[lane]) return true;
        return !discarded.contains(stream) && index < m[lane];
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int l = 0; l < lanes.count(); l++) {
            if (l > 0) b.append("; ");
            b.append("lane ").append(l).append(": resume at ").append(resumeAt[l]).append(", highest sealed entry ").append(m[l])
                    .append(", complete through ").append(complete[l]);
        }
        b.append("; per stream {");
        int i = 0;
        for (Map.Entry<String, long[]> e : new TreeMap<>(highest).entrySet()) {
            if (i++ > 0) b.append(", ");
            b.append(e.getKey()).append('=').append(Arrays.toString(e.getValue()));
        }
        return b.append("}; streams replayed from their own position ").append(discarded).toString();
    }
}
