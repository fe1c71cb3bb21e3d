package dev.cistern.agent.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cistern.agent.journal.Journal;
import dev.cistern.agent.journal.JournalEntry;
import dev.cistern.agent.journal.ResumePlan;
import dev.cistern.agent.metrics.AgentMetrics;
import dev.cistern.spool.Labels;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.Series;
import dev.cistern.spool.Spool;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tails the journal into the spool, one entry at a time, on one thread. Each entry's rows for a
 * stream go in as one sourced batch, so sealed names record the journal index they cover, and a
 * restart (or a write failure) resumes from sealed output alone: see {@link ResumePlan}.
 */
public final class Sealer implements Runnable {
    private static final Logger LOG = Logger.getLogger(Sealer.class.getName());

    private final Journal journal;
    private final Spool spool;
    private final Router router;
    private final Labels staticLabels;
    private final AgentMetrics metrics;
    private final JournalLag lag;
    private final Journal.Reader reader;
    private final Thread thread;
    private final WriteRequestReader remoteWrite;
    private ResumePlan plan;
    private volatile long lastProcessed = -1;
    private volatile boolean stopping;
    private volatile boolean halted;

    public Sealer(Journal journal, Spool spool, Router router, Labels staticLabels, AgentMetrics metrics, JournalLag lag,
                  Set<String> discardedStreams) throws IOException {
        this.lag = lag;
        this.journal = journal;
        this.spool = spool;
        this.router = router;
        this.staticLabels = staticLabels;
        this.metrics = metrics;
        this.reader = journal.reader();
        this.plan = ResumePlan.fromSealedOutput(spool.layout(), discardedStreams);
        LOG.info("sealer: " + plan);
        reader.seek(plan.resumeAt());
        this.lastProcessed = Math.max(-1, plan.resumeAt() - 1);
        this.thread = new Thread(this, "cistern-sealer");
        this.remoteWrite = new WriteRequestReader(new SeriesCache(SeriesCache.defaultBudget()), this::newSeries);
    }

    public void start() {
        thread.start();
    }

    /** Index of the last entry written into the spool. */
    public long lastProcessed() {
        return lastProcessed;
    }

    /** The first journal index still needed: rows from it on may not be sealed yet. */
    public long firstNeededIndex() {
        // lastProcessed first: read the other way round, the sealer could write entries into a newly
        // opened segment between the two reads, and they would be counted as neither open nor pending
        long next = lastProcessed + 1;
        long open = spool.openFirstSource();
        return open == SegmentName.NO_SOURCE ? next : Math.min(open, next);
    }

    /** Writes everything already in the journal, then stops. */
    public void drainAndStop(long timeoutMillis) throws InterruptedException {
        stopping = true;
        thread.join(timeoutMillis);
        if (thread.isAlive()) {
            LOG.warning("sealer did not catch up with the journal in " + timeoutMillis + " ms; the rest is replayed at next start");
            halted = true; // stop between entries, before the journal closes under it
            thread.join(10_000);
        }
    }

    @Override
    public void run() {
        int idle = 0;
        while (!halted) {
            JournalEntry e;
            try {
                e = reader.next();
            } catch (RuntimeException ex) {
                LOG.log(Level.SEVERE, "sealer: cannot read the journal", ex);
                sleep(1000);
                continue;
            }
            if (e == null) {
                if (stopping && journal.lastIndex() <= lastProcessed) break;
                idle = Math.min(idle + 1, 20);
                LockSupport.parkNanos(idle < 10 ? 50_000 : 1_000_000);
                continue;
            }
            idle = 0;
            try {
                process(e);
                lastProcessed = e.index();
                lag.consumed(e.index(), e.payload().length);
            } catch (IOException | RuntimeException ex) {
                metrics.sealerFailure();
                LOG.log(Level.WARNING, "sealer: writing journal entry " + e.index() + " failed; replaying from sealed output", ex);
                sleep(1000);
                replanAfterFailure();
            }
        }
        reader.close();
    }

    private void replanAfterFailure() {
        while (true) {
            try {
                lastProcessed = -1; // until the new plan: the discarded rows' journal cycles must not be released
                Set<String> discarded = spool.discardOpenSegments();
                plan = ResumePlan.fromSealedOutput(spool.layout(), discarded);
                reader.seek(plan.resumeAt());
                lastProcessed = Math.max(-1, plan.resumeAt() - 1);
                LOG.info("sealer: " + plan);
                return;
            } catch (IOException | RuntimeException ex) {
                LOG.log(Level.WARNING, "sealer: cannot reset after failure, retrying", ex);
                sleep(2000);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    void process(JournalEntry e) throws IOException {
        switch (e.kind()) {
            case REMOTE_WRITE -> processRemoteWrite(e);
            case NDJSON -> processNdjson(e);
        }
    }

    private void processNdjson(JournalEntry e) throws IOException {
        if (plan.alreadySealed(e.stream(), e.index())) return;
        byte[] p = e.payload();
        long[] rows = {0};
        spool.writer(e.stream()).batch(e.index(),
                sink -> rows[0] = NdjsonBody.forEachRow(p, (line, start, end) -> sink.appendJson(p, start, end - start)));
        metrics.rowsWritten(e.stream(), rows[0]);
    }

    private void processRemoteWrite(JournalEntry e) throws IOException {
        WriteRequestReader r = remoteWrite;
        try {
            r.read(e.payload());
        } catch (IngestException | InvalidProtocolBufferException bad) {
            // validated before it was journaled, so this is damage: skip it rather than stall forever
            LOG.severe("sealer: journal entry " + e.index() + " does not decode (" + bad.getMessage() + "); skipped");
            metrics.rowsDropped("journal_entry_undecodable", 1);
            return;
        }
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
            spool.writer(stream).batch(e.index(), sink -> {
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

    /** A series seen for the first time: its labels plus the static ones, and where its rows go. */
    private SeriesCache.Entry newSeries(String name, String[] labels) {
        Series s = Series.of(name, Labels.of(labels).with(staticLabels));
        return new SeriesCache.Entry(s, router.route(s.name(), s.labels()));
    }
}
