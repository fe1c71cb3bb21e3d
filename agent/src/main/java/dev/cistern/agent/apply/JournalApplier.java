package dev.cistern.agent.apply;

import dev.cistern.agent.remotewrite.KeptKinds;
import dev.cistern.agent.remotewrite.LabelOrder;
import dev.cistern.agent.remotewrite.RemoteWriteHandoff;
import dev.cistern.agent.remotewrite.SeriesCache;
import dev.cistern.agent.routing.Router;
import dev.cistern.agent.journal.Journal;
import dev.cistern.agent.journal.JournalEntry;
import dev.cistern.agent.journal.JournalLag;
import dev.cistern.agent.journal.Lanes;
import dev.cistern.agent.journal.ResumePlan;
import dev.cistern.agent.metrics.AgentMetrics;
import dev.cistern.agent.ndjson.EventTimes;
import dev.cistern.agent.supervise.Supervisor;
import dev.cistern.spool.JournalFedSpool;
import dev.cistern.spool.Labels;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.Series;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies journal entries to the spool (it does not seal: the spool's {@code BackgroundSealer} does).
 * Entries are dealt to {@link Lanes} (one per spool shard) by index; each {@link ApplierLane} is one thread
 * that reads its entries in order and writes each stream's rows of an entry as one batch into that
 * stream's shard of the same number. So both cores compress, sealed names record the journal index
 * they cover, and a restart (or a write failure) resumes every lane from sealed output alone: see
 * {@link ResumePlan}.
 */
public final class JournalApplier {
    private static final Logger LOG = Logger.getLogger(JournalApplier.class.getName());

    final Journal journal;
    final JournalFedSpool spool;
    final AgentMetrics metrics;
    final JournalLag lag;
    final RemoteWriteHandoff handoff;
    final Supervisor supervisor;
    volatile KeptKinds kept; // read under the entry lock, swapped under the write lock: one setting per entry
    private volatile Routing routing; // read under the entry lock by the lanes, swapped under the write lock
    private final Lanes dealing;
    private final ApplierLane[] lanes;
    /** Lanes write entries under the read lock; a replan takes the write lock, so no entry is half-written across it. */
    private final ReentrantReadWriteLock writing = new ReentrantReadWriteLock();
    private volatile ResumePlan plan;
    private volatile long epoch; // bumped by every replan; a lane re-seeks when it sees a new one
    private volatile boolean stopping;
    private volatile boolean halted;

    public JournalApplier(Journal journal, JournalFedSpool spool, Router router, Labels staticLabels, AgentMetrics metrics,
                          JournalLag lag, Set<String> discardedStreams, int httpThreads, Supervisor supervisor,
                          KeptKinds kept, EventTimes eventTimes) throws IOException {
        this.dealing = new Lanes(spool.lanes()); // one applier lane per shard
        this.lanes = new ApplierLane[dealing.count()];
        this.journal = journal;
        this.spool = spool;
        this.routing = new Routing(router, staticLabels, 0);
        this.metrics = metrics;
        this.lag = lag;
        this.supervisor = supervisor;
        this.kept = kept;
        // the HTTP threads decode for the lanes: they hold the series caches, the lanes only replay
        this.handoff = new RemoteWriteHandoff(dealing.count(), dealing::laneOf, this::newSeries,
                SeriesCache.defaultBudget() / Math.max(1, httpThreads),
                RemoteWriteHandoff.defaultBudget(), () -> routing.generation());
        this.plan = ResumePlan.forJournal(journal, spool.spool().layout(), spool.progress(), discardedStreams, dealing);
        LOG.info("applier: " + plan);
        for (int l = 0; l < lanes.length; l++) {
            lanes[l] = new ApplierLane(this, journal.tailer(dealing, l), l, SeriesCache.defaultBudget() / dealing.count(), eventTimes);
        }
    }

    /** A config reload: which extra remote_write rows are stored, for entries written from now on. */
    public void keep(KeptKinds kept) {
        writing.writeLock().lock();
        try {
            this.kept = kept;
        } finally {
            writing.writeLock().unlock();
        }
    }

    /**
     * A config reload's new routing rules and static labels. First, with the lanes paused between entries, seals
     * every open segment and records how far the journal is sealed, as a clean stop does: rows routed by the old
     * rules are all sealed under them, and a crash later replays (under the new rules) only entries after the swap.
     */
    public void route(Router router, Labels staticLabels) throws IOException {
        writing.writeLock().lock();
        try {
            spool.spool().sealAll();
            recordProgress();
            routing = new Routing(router, staticLabels, routing.generation() + 1);
            LOG.info("applier: open segments sealed; entries not written yet go by the new routing to " + router.streams());
        } finally {
            writing.writeLock().unlock();
        }
    }

    /** The streams a route bit stands for, in force now. */
    public List<String> streams() {
        return routing.router().streams();
    }

    Routing routing() { return routing; }

    /** Where the HTTP threads leave decoded remote_write rows for the lanes. */
    public RemoteWriteHandoff handoff() {
        return handoff;
    }

    public void start() {
        for (ApplierLane l : lanes) l.thread.start();
    }

    /** The first journal index still needed: rows from it on may not be sealed yet. */
    public long firstNeededIndex() {
        // under the read lock: a replan between the two reads would discard open segments holding
        // entries the lanes had moved past, and their cycles would be released before the replay
        writing.readLock().lock();
        try {
            // the lanes' positions first: read the other way round, a lane could write entries into a newly
            // opened segment between the two reads, and they would be counted as neither open nor pending
            long next = Long.MAX_VALUE;
            for (ApplierLane l : lanes) next = Math.min(next, l.lastSeen + 1);
            long open = spool.firstOpenJournalIndex();
            return open == SegmentName.NO_SOURCE ? next : Math.min(open, next);
        } finally {
            writing.readLock().unlock();
        }
    }

    /**
     * Records in the spool's ledger, per lane, the index through which every stream is sealed: the lowest index of the
     * lane in an unsealed segment, else its next unread entry, minus one (see {@link ResumePlan}). Call it periodically,
     * and at a clean stop once everything is sealed.
     */
    public void recordProgress() {
        long[] through = new long[lanes.length];
        writing.readLock().lock(); // as in firstNeededIndex: no replan between the two reads
        try {
            for (ApplierLane l : lanes) {
                long next = l.lastSeen + 1; // the lane's position first, as in firstNeededIndex
                long open = spool.firstOpenJournalIndex(l.lane);
                through[l.lane] = (open == SegmentName.NO_SOURCE ? next : Math.min(open, next)) - 1;
            }
        } finally {
            writing.readLock().unlock();
        }
        spool.recordCompleteThrough(through);
    }

    /**
     * Writes everything already in the journal, then stops; gives up at {@code deadlineNanos} (System.nanoTime),
     * whatever the lanes are doing: what they did not write stays in the journal for the next start. Returns
     * whether every lane stopped (only then may the spool be sealed and the ledger recorded).
     */
    public boolean drainAndStop(long deadlineNanos) throws InterruptedException {
        stopping = true;
        journal.readySignal().signal(); // a lane waiting for entries looks again, and sees it may stop
        joinUntil(deadlineNanos);
        if (!anyAlive()) return true;
        halted = true; // stop between entries, before the journal closes under them
        journal.readySignal().signal();
        joinUntil(Math.max(deadlineNanos, System.nanoTime() + TimeUnit.SECONDS.toNanos(1)));
        return !anyAlive();
    }

    private void joinUntil(long deadlineNanos) throws InterruptedException {
        for (ApplierLane l : lanes) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left > 0) l.thread.join(left);
        }
    }

    private boolean anyAlive() {
        for (ApplierLane l : lanes) if (l.thread.isAlive()) return true;
        return false;
    }

    /**
     * The stall watch (call it every few seconds): a lane that has neither written an entry nor found none waiting
     * for {@code stallNanos} while it is alive cannot seal; the supervisor stops acknowledging until it moves.
     */
    public void watch(long stallNanos) {
        long now = System.nanoTime();
        for (ApplierLane l : lanes) {
            long idle = now - l.progressAt;
            if (l.thread.isAlive() && !stopping && idle > stallNanos) {
                supervisor.stalled("apply-lane-" + l.lane, "no journal entry written for " + TimeUnit.NANOSECONDS.toSeconds(idle)
                        + " s (at index " + l.lastSeen + ", journal end " + journal.lastIndex() + ")");
            }
        }
    }

    /**
     * How much of the journal is not sealed, for the stop's log line: entries from the first needed index, and bytes.
     * Not {@code exact}: lanes or the sealer may be stuck holding the spool, so only the lanes' positions are read
     * (no lock), and entries in unsealed segments come on top.
     */
    public String unsealed(boolean exact) {
        long first = Long.MAX_VALUE;
        if (exact) {
            first = firstNeededIndex();
        } else {
            for (ApplierLane l : lanes) first = Math.min(first, l.lastSeen + 1);
        }
        long last = journal.lastIndex();
        String entries = first > last ? "0 entries" : first <= 0 ? "every entry (the lanes had read none)"
                : journal.countEntries(first, last + 1) + " entries from index " + first;
        return (exact ? "" : "at least ") + "journal lag " + entries + " (" + lag.pendingEntries() + " entries, "
                + lag.pendingBytes() + " bytes acknowledged this run not yet written into the spool)";
    }

    ResumePlan plan() {
        return plan;
    }

    long epoch() {
        return epoch;
    }

    Lock entryLock() {
        return writing.readLock();
    }

    boolean stopping() {
        return stopping;
    }

    boolean halted() {
        return halted;
    }

    /**
     * After a write failure in any lane: waits for every lane to finish its entry, drops every open segment (as
     * recovery would after a crash), and re-reads the plan from sealed output. A failure covered by a replan since is ignored.
     */
    void replan(long failedInEpoch) {
        writing.writeLock().lock();
        try {
            if (epoch != failedInEpoch) return;
            for (ApplierLane l : lanes) l.lastSeen = -1; // until the new plan: the discarded rows' cycles must stay
            while (!halted) { // a stop past the drain deadline leaves the rest to the next start's plan
                try {
                    Set<String> discarded = spool.discardOpenSegments();
                    plan = ResumePlan.forJournal(journal, spool.spool().layout(), spool.progress(), discarded, dealing);
                    epoch++;
                    journal.readySignal().signal(); // the other lanes seek to the new plan now, not at their next wake
                    LOG.info("applier: " + plan);
                    return;
                } catch (IOException | RuntimeException ex) {
                    LOG.log(Level.WARNING, "applier: cannot reset after failure, retrying", ex);
                    sleep(2000);
                }
            }
        } finally {
            writing.writeLock().unlock();
        }
    }

    static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** An entry validated before it was journaled that no longer decodes is damage: skipped rather than stall forever. */
    void damaged(JournalEntry e, String why) {
        LOG.severe("applier: journal entry " + e.index() + " does not decode (" + why + "); skipped");
        metrics.rowsDropped("journal_entry_undecodable", 1);
    }

    /** A series seen for the first time: its labels plus the static ones, sorted by name, and where its rows go. */
    SeriesCache.Entry newSeries(String name, String[] labels) {
        Routing now = routing; // one snapshot: the labels and the route agree
        Labels all = Labels.of(labels).with(now.staticLabels());
        if (now.staticLabels().size() > 0) all = Labels.of(LabelOrder.sorted(flatten(all)));
        Series s = Series.of(name, all);
        return new SeriesCache.Entry(s, now.router().route(s.name(), s.labels()));
    }

    private static String[] flatten(Labels l) {
        String[] kv = new String[2 * l.size()];
        for (int i = 0; i < l.size(); i++) {
            kv[2 * i] = l.key(i);
            kv[2 * i + 1] = l.value(i);
        }
        return kv;
    }
}
