package dev.cistern.agent.apply;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cistern.agent.ndjson.InvalidNdjsonException;
import dev.cistern.agent.ndjson.EventTimes;
import dev.cistern.agent.ndjson.TimedRows;
import dev.cistern.agent.remotewrite.DecodedRequest;
import dev.cistern.agent.remotewrite.ExtraRow;
import dev.cistern.agent.remotewrite.InvalidWriteRequestException;
import dev.cistern.agent.remotewrite.JournaledRequests;
import dev.cistern.agent.remotewrite.ReplayGate;
import dev.cistern.agent.remotewrite.SeriesCache;
import dev.cistern.agent.journal.AppendSignal;
import dev.cistern.agent.journal.JournalEntry;
import dev.cistern.agent.journal.JournalTailer;
import dev.cistern.agent.journal.ResumePlan;
import dev.cistern.agent.supervise.Supervisor;
import dev.cistern.agent.supervise.TestFault;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.Series;
import java.io.IOException;
import java.util.List;
import java.util.logging.Logger;

/** One lane of the {@link JournalApplier}: a thread, its journal tailer and its own series cache. */
final class ApplierLane implements Runnable {
    private static final Logger LOG = Logger.getLogger(ApplierLane.class.getName());
    /** A lane caught up waits for the next entry's signal, or this long at most (for anything that does not signal). */
    private static final long IDLE_NANOS = 100_000_000;

    private final JournalApplier applier;
    final int lane;
    final Thread thread;
    private final JournalTailer tailer;
    /** Decodes entries from the journal when the HTTP thread's rows are not at hand (a replay). */
    private final JournaledRequests remoteWrite;
    /** The rows of the NDJSON entry being written, with their event times. */
    private final TimedRows timedRows;
    /** Every entry of this lane up to here is written into the spool. */
    volatile long lastSeen;
    /** When the lane last wrote an entry or found none waiting (System.nanoTime), for the stall watch. */
    volatile long progressAt = System.nanoTime();
    private long appliedEpoch = -1;
    /** Rows of the entry being read, from the hand-off; set while the tailer decides whether to copy its payload. */
    private DecodedRequest handed;
    private final JournalTailer.PayloadWanted payloadWanted;
    /** Its role in the supervisor's words and on /metrics: {@code apply-lane-N}. */
    private final String role;
    /** What made the last step fail, for the supervisor. */
    private Throwable failure;
    /** The highest entry written before the last failure: only writing past it counts as progress again. */
    private long reachedBeforeFailure = -1;

    ApplierLane(JournalApplier applier, JournalTailer tailer, int lane, long seriesBudget, EventTimes eventTimes) {
        this.timedRows = new TimedRows(eventTimes);
        this.applier = applier;
        this.lane = lane;
        this.tailer = tailer;
        this.payloadWanted = (index, kind) -> kind != JournalEntry.Kind.REMOTE_WRITE && kind != JournalEntry.Kind.REMOTE_WRITE_V2
                || (handed = applier.handoff.take(lane, index)) == null;
        this.lastSeen = Math.max(-1, applier.plan().resumeAt(lane) - 1);
        // empty while the HTTP threads hand rows over; it fills when the lane replays the journal (after a
        // restart), and then must hold a scrape's series, or every series is a miss
        this.remoteWrite = new JournaledRequests(new SeriesCache(seriesBudget), applier::newSeries);
        this.role = "apply-lane-" + lane;
        applier.supervisor.supervises(role);
        this.thread = new Thread(this, "cistern-" + role);
        // a lane stuck past the drain deadline must not hold the process: what it did not write stays in the journal
        thread.setDaemon(true);
    }

    /**
     * Supervised (docs/architecture.md, "Supervision"): whatever a step throws, Errors included, goes to the
     * {@link Supervisor}, which says whether to restart from the resume plan after a backoff or to stop the lane.
     */
    @Override
    public void run() {
        try {
            while (!applier.halted()) {
                try {
                    if (loop()) break;
                } catch (Throwable t) { // an Error escaping a step: the same rule as a failed step
                    failure = t;
                }
                if (!restartAfterFailure()) break;
            }
        } finally {
            tailer.close();
        }
    }

    /** Runs steps until stopped (true) or a step failed (false). */
    private boolean loop() {
        AppendSignal entries = applier.journal.readySignal();
        while (!applier.halted()) {
            long seen = entries.ready();
            Step step = step();
            if (step == Step.FAILED) {
                return false;
            } else if (step == Step.CAUGHT_UP) {
                applier.supervisor.progressed(role); // it read to the end without failing
                progressAt = System.nanoTime();
                if (applier.stopping() && applier.journal.lastIndex() <= lastSeen) return true;
                entries.await(seen, IDLE_NANOS);
            } else {
                // replaying entries it had written before a failure is not progress: the one that failed may fail again
                if (lastSeen > reachedBeforeFailure) applier.supervisor.progressed(role);
                progressAt = System.nanoTime();
            }
        }
        return true;
    }

    /** Reports the failure; on a restart waits the backoff and replays from the resume plan. False: the lane ends. */
    private boolean restartAfterFailure() {
        reachedBeforeFailure = Math.max(reachedBeforeFailure, lastSeen);
        applier.metrics.sealerFailure();
        Supervisor.Decision d = applier.supervisor.failed(role, failure);
        failure = null;
        if (!d.restart()) return false;
        JournalApplier.sleep(d.backoffMillis());
        applier.replan(appliedEpoch);
        progressAt = System.nanoTime(); // failing and restarting is the failure rule's to judge, not a stall
        return true;
    }

    private enum Step { WROTE, CAUGHT_UP, FAILED }

    /** Reads and writes the lane's next entry under the entry lock (a replan waits for it). */
    private Step step() {
        applier.entryLock().lock();
        try {
            remoteWrite.forgetSeriesIfNot(applier.routing().generation()); // a reload swapped the routing
            long epoch = applier.epoch();
            if (appliedEpoch != epoch) {
                appliedEpoch = epoch;
                long at = applier.plan().resumeAt(lane);
                tailer.seek(at);
                lastSeen = Math.max(-1, at - 1);
            }
            handed = null;
            JournalEntry e = tailer.next(payloadWanted);
            return e == null ? caughtUp() : write(e);
        } catch (Throwable ex) {
            // e.g. InternalError: a fault in Chronicle's memory-mapped file (its tailer writes index
            // pages), such as a full disk. The tailer may be mid-entry: replay from sealed output.
            LOG.severe("applier lane " + lane + ": cannot read the journal (" + ex + "); replaying from sealed output");
            failure = ex;
            return Step.FAILED;
        } finally {
            applier.entryLock().unlock();
        }
    }

    private Step caughtUp() {
        lastSeen = Math.max(lastSeen, tailer.lastIndexRead()); // other lanes' entries it moved past
        try {
            applier.spool.checkWrites(); // a seal may have failed with no entry to tell us, e.g. the rotation timer's
            return Step.CAUGHT_UP;
        } catch (IOException ex) {
            LOG.warning("applier lane " + lane + ": a segment failed to seal (" + ex + "); replaying from sealed output");
            failure = ex;
            return Step.FAILED;
        }
    }

    private Step write(JournalEntry e) {
        try {
            process(e);
            lastSeen = e.index();
            if (e.kind() != JournalEntry.Kind.TICK) applier.lag.consumed(e.index(), e.length()); // ticks were not counted in
            return Step.WROTE;
        } catch (Throwable ex) { // Errors too: a codec's LinkageError is the supervisor's to judge
            LOG.warning("applier lane " + lane + ": writing journal entry " + e.index() + " failed (" + ex
                    + "); replaying from sealed output");
            failure = ex;
            return Step.FAILED;
        }
    }

    private void process(JournalEntry e) throws IOException {
        if (e.kind() == null) {
            applier.damaged(e, "unknown entry kind");
            return;
        }
        switch (e.kind()) {
            case REMOTE_WRITE, REMOTE_WRITE_V2 -> processRemoteWrite(e);
            case NDJSON -> processNdjson(e);
            case TICK -> { } // rolled the journal; holds no rows
        }
    }

    private void processNdjson(JournalEntry e) throws IOException {
        if (applier.plan().alreadySealed(e.stream(), e.index())) return;
        byte[] p = e.payload();
        try {
            // validated before it was journaled; a failure now is an entry torn on a full disk, which
            // would fail the batch on every replay: check it whole first (NDJSON entries only), reading the rows' times
            timedRows.read(p, e.stream(), System.currentTimeMillis()); // the depth was checked at ingest
        } catch (IOException | InvalidNdjsonException bad) {
            applier.damaged(e, bad.getMessage());
            return;
        }
        long[] rows = {0};
        applier.spool.batch(e.stream(), e.index(), lane,
                sink -> {
                    TestFault.inLaneBatch();
                    rows[0] = timedRows.write(p, sink);
                });
        applier.metrics.rowsWritten(e.stream(), rows[0]);
    }

    private void processRemoteWrite(JournalEntry e) throws IOException {
        // a big body decoded again holds the gate until its rows are written: one lane at a time (issue 17)
        try (ReplayGate.Pass pass = applier.handoff.replayGate().pass()) {
            DecodedRequest r = handed;
            if (r == null) {
                try {
                    r = e.kind() == JournalEntry.Kind.REMOTE_WRITE_V2 ? remoteWrite.readV2(e.payload(), pass)
                            : remoteWrite.readV1(e.payload(), pass);
                } catch (InvalidWriteRequestException | InvalidProtocolBufferException bad) {
                    applier.damaged(e, bad.getMessage());
                    return;
                }
            }
            writeRows(e, r);
        }
    }

    private void writeRows(JournalEntry e, DecodedRequest r) throws IOException {
        int n = r.seriesCount();
        long dropped = 0;
        for (int i = 0; i < n; i++) {
            if (r.series(i).route() == 0) dropped += r.endSample(i) - r.firstSample(i);
        }
        long exemplarsGone = 0;
        long metadataGone = 0;
        for (ExtraRow x : r.extras()) {
            if (!applier.kept.keeps(x.kind())) {
                if (x.kind() == ExtraRow.Kind.EXEMPLAR) exemplarsGone++;
                else metadataGone++;
            } else if (x.series().route() == 0) {
                dropped++;
            }
        }
        ResumePlan plan = applier.plan();
        List<String> streams = applier.routing().router().streams(); // what the entry's routes were made under
        for (int s = 0; s < streams.size(); s++) {
            String stream = streams.get(s);
            if (plan.alreadySealed(stream, e.index())) continue;
            long count = writeRoute(r, stream, 1L << s, e.index());
            if (count > 0) applier.metrics.rowsWritten(stream, count);
        }
        if (dropped > 0) applier.metrics.rowsDropped("unrouted", dropped);
        if (exemplarsGone > 0) applier.metrics.rowsDropped("exemplar_not_kept", exemplarsGone);
        if (metadataGone > 0) applier.metrics.rowsDropped("metadata_not_kept", metadataGone);
    }

    /** Writes the rows of {@code r} routed to {@code stream} (route bit {@code bit}); returns how many. */
    private long writeRoute(DecodedRequest r, String stream, long bit, long journalIndex) throws IOException {
        int n = r.seriesCount();
        long count = 0;
        for (int i = 0; i < n; i++) if ((r.series(i).route() & bit) != 0) count += r.endSample(i) - r.firstSample(i);
        for (ExtraRow x : r.extras()) if ((x.series().route() & bit) != 0 && applier.kept.keeps(x.kind())) count++;
        if (count == 0) return 0;
        long[] outOfRange = {0};
        // one batch per entry and stream: its rows never span two segments (exactly-once resume)
        applier.spool.batch(stream, journalIndex, lane, sink -> {
            TestFault.inLaneBatch();
            for (int i = 0; i < n; i++) {
                SeriesCache.Entry se = r.series(i);
                if ((se.route() & bit) == 0) continue;
                Series sr = se.series();
                for (int k = r.firstSample(i), end = r.endSample(i); k < end; k++) {
                    // ingest refuses such rows; an entry journaled before it did is dropped from, not replayed forever
                    if (SegmentName.inRange(r.timestamp(k))) sink.append(sr, r.timestamp(k), r.value(k));
                    else outOfRange[0]++;
                }
            }
            for (ExtraRow x : r.extras()) {
                if ((x.series().route() & bit) == 0 || !applier.kept.keeps(x.kind())) continue;
                if (!x.hasTime()) {
                    byte[] json = x.json();
                    sink.appendJson(json, 0, json.length);
                } else if (SegmentName.inRange(x.ts())) {
                    sink.appendObject(x.ts(), x::write);
                } else {
                    outOfRange[0]++;
                }
            }
        });
        if (outOfRange[0] > 0) applier.metrics.rowsDropped("timestamp_out_of_range", outOfRange[0]);
        return count - outOfRange[0];
    }
}
