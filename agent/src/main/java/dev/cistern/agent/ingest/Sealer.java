package dev.cistern.agent.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cistern.agent.journal.Journal;
import dev.cistern.agent.journal.JournalEntry;
import dev.cistern.agent.journal.ResumePlan;
import dev.cistern.agent.metrics.AgentMetrics;
import dev.cistern.agent.ndjson.NdjsonBody;
import dev.cistern.agent.remotewrite.DecodedRequest;
import dev.cistern.agent.remotewrite.InvalidWriteRequestException;
import dev.cistern.agent.remotewrite.RemoteWriteHandoff;
import dev.cistern.agent.remotewrite.SeriesCache;
import dev.cistern.agent.remotewrite.WriteRequestReader;
import dev.cistern.agent.routing.Router;
import dev.cistern.spool.Labels;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.Series;
import dev.cistern.spool.Spool;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tails the journal into the spool. Entries are dealt to {@link #LANES} lanes by index; each lane
 * is one thread that reads its entries in order and writes each stream's rows of an entry as one
 * sourced batch into that stream's shard of the same number. So both cores compress, sealed names
 * record the journal index they cover, and a restart (or a write failure) resumes every lane from
 * sealed output alone: see {@link ResumePlan}.
 */
public final class Sealer {
    /**
     * Fixed, because sealed names are read back lane by lane at restart: a data directory must keep
     * the count it was written with.
     */
    public static final int LANES = 2;

    private static final Logger LOG = Logger.getLogger(Sealer.class.getName());

    private final Journal journal;
    private final Spool spool;
    private final Router router;
    private final Labels staticLabels;
    private final AgentMetrics metrics;
    private final JournalLag lag;
    private final Lane[] lanes = new Lane[LANES];
    private final RemoteWriteHandoff handoff;
    /** Lanes write entries under the read lock; a replan takes the write lock, so no entry is half-written across it. */
    private final ReentrantReadWriteLock writing = new ReentrantReadWriteLock();
    private volatile ResumePlan plan;
    private volatile long epoch; // bumped by every replan; a lane re-seeks when it sees a new one
    private volatile boolean stopping;
    private volatile boolean halted;

    public Sealer(Journal journal, Spool spool, Router router, Labels staticLabels, AgentMetrics metrics, JournalLag lag,
                  Set<String> discardedStreams, int httpThreads) throws IOException {
        if (spool.config().shardsPerStream() != LANES) {
            throw new IllegalArgumentException("the spool needs " + LANES + " shards per stream, one per sealer lane");
        }
        this.journal = journal;
        this.spool = spool;
        this.router = router;
        this.staticLabels = staticLabels;
        this.metrics = metrics;
        this.lag = lag;
        // the HTTP threads decode for the lanes: they hold the series caches, the lanes only replay
        this.handoff = new RemoteWriteHandoff(LANES, index -> ResumePlan.laneOf(index, LANES), this::newSeries,
                SeriesCache.defaultBudget() / Math.max(1, httpThreads),
                Math.max(1L << 20, Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 16)));
        this.plan = ResumePlan.fromSealedOutput(spool.layout(), discardedStreams, LANES);
        LOG.info("sealer: " + plan);
        for (int l = 0; l < LANES; l++) lanes[l] = new Lane(l);
    }

    public RemoteWriteHandoff handoff() {
        return handoff;
    }

    public void start() {
        for (Lane l : lanes) l.thread.start();
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
            for (Lane l : lanes) next = Math.min(next, l.lastSeen + 1);
            long open = spool.openFirstSource();
            return open == SegmentName.NO_SOURCE ? next : Math.min(open, next);
        } finally {
            writing.readLock().unlock();
        }
    }

    /** Writes everything already in the journal, then stops. */
    public void drainAndStop(long timeoutMillis) throws InterruptedException {
        stopping = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Lane l : lanes) l.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        boolean alive = false;
        for (Lane l : lanes) alive |= l.thread.isAlive();
        if (alive) {
            LOG.warning("sealer did not catch up with the journal in " + timeoutMillis + " ms; the rest is replayed at next start");
            halted = true; // stop between entries, before the journal closes under them
            for (Lane l : lanes) l.thread.join(10_000);
        }
    }

    /**
     * After a write failure in any lane: waits for every lane to finish its entry, drops every open
     * segment (as recovery would after a crash), and re-reads the plan from sealed output. A failure
     * already covered by a replan since is ignored.
     */
    private void replan(long failedInEpoch) {
        writing.writeLock().lock();
        try {
            if (epoch != failedInEpoch) return;
            for (Lane l : lanes) l.lastSeen = -1; // until the new plan: the discarded rows' cycles must stay
            while (true) {
                try {
                    Set<String> discarded = spool.discardOpenSegments();
                    plan = ResumePlan.fromSealedOutput(spool.layout(), discarded, LANES);
                    epoch++;
                    LOG.info("sealer: " + plan);
                    return;
                } catch (IOException | RuntimeException ex) {
                    LOG.log(Level.WARNING, "sealer: cannot reset after failure, retrying", ex);
                    sleep(2000);
                }
            }
        } finally {
            writing.writeLock().unlock();
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** One lane: a thread, its journal reader and its own series cache. */
    private final class Lane implements Runnable {
        final int lane;
        final Thread thread;
        final Journal.Reader reader;
        /** Decodes entries from the journal when the HTTP thread's rows are not at hand (a replay). */
        final WriteRequestReader remoteWrite;
        /** Every entry of this lane up to here is written into the spool. */
        volatile long lastSeen;
        long appliedEpoch = -1;
        /** Rows of the entry being read, from the hand-off; set while the reader decides whether to copy its payload. */
        private DecodedRequest handed;
        private final Journal.Reader.PayloadWanted payloadWanted;

        Lane(int lane) {
            this.lane = lane;
            this.reader = journal.reader();
            this.payloadWanted = (index, kind) -> kind != JournalEntry.Kind.REMOTE_WRITE || (handed = handoff.take(lane, index)) == null;
            this.lastSeen = Math.max(-1, plan.resumeAt(lane) - 1);
            // empty while the HTTP threads hand rows over; it fills when the lane replays the journal (after a
            // restart), and then must hold a scrape's series, or every series is a miss
            this.remoteWrite = new WriteRequestReader(new SeriesCache(SeriesCache.defaultBudget() / LANES), Sealer.this::newSeries);
            this.thread = new Thread(this, "cistern-sealer-lane-" + lane);
        }

        @Override
        public void run() {
            while (true) {
                try {
                    loop();
                    break;
                } catch (InternalError ex) {
                    // the JVM may deliver a mapped-memory fault a little after the access that caused it
                    metrics.sealerFailure();
                    LOG.log(Level.SEVERE, "sealer lane " + lane + ": memory-mapped journal fault; replaying from sealed output", ex);
                    sleep(1000);
                    replan(appliedEpoch);
                }
            }
            reader.close();
        }

        private void loop() {
            int idle = 0;
            while (!halted) {
                long failedInEpoch = -1;
                boolean caughtUp = false;
                writing.readLock().lock();
                try {
                    if (appliedEpoch != epoch) {
                        appliedEpoch = epoch;
                        long at = plan.resumeAt(lane);
                        reader.seek(at);
                        lastSeen = Math.max(-1, at - 1);
                    }
                    handed = null;
                    JournalEntry e = reader.next(lane, LANES, payloadWanted);
                    if (e == null) {
                        lastSeen = Math.max(lastSeen, reader.lastIndexRead()); // other lanes' entries it moved past
                        caughtUp = true;
                        try {
                            spool.checkWrites(); // a seal may have failed with no entry to tell us, e.g. the rotation timer's
                        } catch (IOException ex) {
                            metrics.sealerFailure();
                            LOG.log(Level.WARNING, "sealer lane " + lane + ": a segment failed to seal; replaying from sealed output", ex);
                            failedInEpoch = appliedEpoch;
                        }
                    } else {
                        idle = 0;
                        try {
                            process(e);
                            lastSeen = e.index();
                            lag.consumed(e.index(), e.length());
                        } catch (IOException | RuntimeException | InternalError ex) {
                            metrics.sealerFailure();
                            LOG.log(Level.WARNING, "sealer lane " + lane + ": writing journal entry " + e.index()
                                    + " failed; replaying from sealed output", ex);
                            failedInEpoch = appliedEpoch;
                        }
                    }
                } catch (RuntimeException | InternalError ex) {
                    // InternalError: a fault in Chronicle's memory-mapped file (its tailer writes index
                    // pages), such as a full disk. The reader may be mid-entry: replay from sealed output.
                    metrics.sealerFailure();
                    LOG.log(Level.SEVERE, "sealer lane " + lane + ": cannot read the journal; replaying from sealed output", ex);
                    failedInEpoch = appliedEpoch;
                } finally {
                    writing.readLock().unlock();
                }
                if (failedInEpoch >= 0) {
                    sleep(1000);
                    replan(failedInEpoch);
                } else if (caughtUp) {
                    if (stopping && journal.lastIndex() <= lastSeen) break;
                    idle = Math.min(idle + 1, 20);
                    LockSupport.parkNanos(idle < 10 ? 50_000 : 1_000_000);
                }
            }
        }

        void process(JournalEntry e) throws IOException {
            if (e.kind() == null) {
                damaged(e, "unknown entry kind");
                return;
            }
            switch (e.kind()) {
                case REMOTE_WRITE -> processRemoteWrite(e);
                case NDJSON -> processNdjson(e);
            }
        }

        private void processNdjson(JournalEntry e) throws IOException {
            if (plan.alreadySealed(e.stream(), e.index())) return;
            byte[] p = e.payload();
            try {
                // validated before it was journaled; a failure now is an entry torn on a full disk, which
                // would fail the batch on every replay: check it whole first (NDJSON entries only)
                NdjsonBody.validateLines(p);
            } catch (IOException bad) {
                damaged(e, bad.getMessage());
                return;
            }
            long[] rows = {0};
            spool.writer(e.stream()).batch(e.index(), lane,
                    sink -> rows[0] = NdjsonBody.forEachRow(p, (line, start, end) -> sink.appendJson(p, start, end - start)));
            metrics.rowsWritten(e.stream(), rows[0]);
        }

        private void processRemoteWrite(JournalEntry e) throws IOException {
            DecodedRequest rows = handed;
            if (rows == null) {
                try {
                    remoteWrite.read(e.payload());
                } catch (InvalidWriteRequestException | InvalidProtocolBufferException bad) {
                    damaged(e, bad.getMessage());
                    return;
                }
                rows = remoteWrite.decoded();
            }
            DecodedRequest r = rows; // effectively final, for the batch below
            int n = r.seriesCount();
            long dropped = 0;
            for (int i = 0; i < n; i++) {
                if (r.series(i).route() == 0) dropped += r.endSample(i) - r.firstSample(i);
            }
            List<String> streams = router.streams();
            for (int s = 0; s < streams.size(); s++) {
                String stream = streams.get(s);
                long bit = 1L << s;
                if (plan.alreadySealed(stream, e.index())) continue;
                long count = 0;
                for (int i = 0; i < n; i++) if ((r.series(i).route() & bit) != 0) count += r.endSample(i) - r.firstSample(i);
                if (count == 0) continue;
                // one batch per entry and stream: its rows never span two segments (exactly-once resume)
                spool.writer(stream).batch(e.index(), lane, sink -> {
                    for (int i = 0; i < n; i++) {
                        SeriesCache.Entry se = r.series(i);
                        if ((se.route() & bit) == 0) continue;
                        Series sr = se.series();
                        for (int k = r.firstSample(i), end = r.endSample(i); k < end; k++) sink.append(sr, r.timestamp(k), r.value(k));
                    }
                });
                metrics.rowsWritten(stream, count);
            }
            if (dropped > 0) metrics.rowsDropped("unrouted", dropped);
            if (r.histograms() > 0) metrics.rowsDropped("native_histogram_unsupported", r.histograms());
        }
    }

    /** An entry validated before it was journaled that no longer decodes is damage: skipped rather than stall forever. */
    private void damaged(JournalEntry e, String why) {
        LOG.severe("sealer: journal entry " + e.index() + " does not decode (" + why + "); skipped");
        metrics.rowsDropped("journal_entry_undecodable", 1);
    }

    /** A series seen for the first time: its labels plus the static ones, and where its rows go. */
    private SeriesCache.Entry newSeries(String name, String[] labels) {
        Series s = Series.of(name, Labels.of(labels).with(staticLabels));
        return new SeriesCache.Entry(s, router.route(s.name(), s.labels()));
    }
}
