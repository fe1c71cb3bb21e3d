package dev.cistern.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The view of a spool fed from a journal that will be replayed (the agent's): the rows of its
 * open segments are also in the journal. So at open its temp files are dropped rather than
 * salvaged (salvaging would duplicate them); each batch holds the rows of one journal entry and
 * its segment's sealed name records the entry's index ({@code .j<index>}); and after a failed write
 * the spool refuses writes until {@link #discardOpenSegments()}, because the journal's resume point
 * is read off sealed names, which must form a prefix of each lane's entries.
 *
 * <p>Entries are dealt to lanes, entry i to lane {@code i mod lanes}; lane l writes into each stream's
 * shard l, one thread per lane, with increasing indexes. That keeps each shard's sealed files a prefix
 * of its lane's entries.
 *
 * <p>The spool keeps a durable ledger of the journal indexes it sealed ({@link JournalProgress},
 * {@code journal-progress.json}), so deleting sealed or uploaded files cannot move the resume point
 * back; {@link Spool#isSettled} says when a file may go.
 */
public final class JournalFedSpool {
    private final Spool spool;

    private JournalFedSpool(Spool spool) {
        this.spool = spool;
    }

    /** Opens the spool as {@link Spool#open} does, with one shard per stream for each of {@code lanes} lanes. */
    public static JournalFedSpool open(SpoolConfig config, int lanes) throws IOException {
        return open(config, lanes, JournalSource.ANY);
    }

    /** As {@link #open(SpoolConfig, int)}, with a ledger that belongs to journal {@code source} only. */
    public static JournalFedSpool open(SpoolConfig config, int lanes, JournalSource source) throws IOException {
        return new JournalFedSpool(Spool.open(config.journalFed(lanes, source)));
    }

    /** The spool itself: its layout, recovery report, events, scanner; closing it seals what is open. */
    public Spool spool() {
        return spool;
    }

    /** Lanes, and so shards per stream. */
    public int lanes() {
        return spool.config().shardsPerStream();
    }

    /**
     * Runs {@code batch} for the rows of journal entry {@code journalIndex} in {@code stream}'s shard
     * {@code lane}. Rows of one entry are never split across segments, and the sealed name records
     * the index.
     */
    public void batch(String stream, long journalIndex, int lane, StreamWriter.Batch batch) throws IOException {
        if (journalIndex < 0) throw new IllegalArgumentException("journal index must not be negative, was " + journalIndex);
        if (lane != Math.floorMod(journalIndex, (long) lanes())) {
            throw new IllegalArgumentException("entry " + journalIndex + " belongs to lane " + Math.floorMod(journalIndex, (long) lanes())
                    + " of " + lanes() + ", not lane " + lane);
        }
        spool.writer(stream).journalBatch(journalIndex, lane, batch);
    }

    /** The lowest journal index with rows in any segment not yet sealed, or {@link SegmentName#NO_SOURCE} when there is none. */
    public long firstOpenJournalIndex() {
        long min = SegmentName.NO_SOURCE;
        for (StreamWriter w : spool.writers()) {
            min = SegmentName.lowerSource(min, w.firstOpenJournalIndex());
        }
        // after the shards: a segment leaves its shard only once it is queued for sealing
        return SegmentName.lowerSource(min, spool.sealer().firstSource());
    }

    /**
     * The lowest journal index of lane {@code lane} with rows in a segment not yet sealed, or
     * {@link SegmentName#NO_SOURCE}: every entry of the lane before it that was written is sealed.
     */
    public long firstOpenJournalIndex(int lane) {
        long min = SegmentName.NO_SOURCE;
        for (StreamWriter w : spool.writers()) {
            min = SegmentName.lowerSource(min, w.firstOpenJournalIndex(lane));
        }
        // after the shards, as above
        return SegmentName.lowerSource(min, spool.sealer().firstSource(lane, lanes()));
    }

    /**
     * Records in the ledger that, per lane, every stream is sealed through {@code through[lane]}:
     * the caller (the applier) knows every entry up to there was written, and no segment holding
     * one is unsealed. Never lowers what is recorded. Written through to disk when it can be.
     */
    public void recordCompleteThrough(long[] through) {
        spool.progress().completeThrough(through);
    }

    /** What the ledger records now: the resume plan reads it with the sealed names. */
    public JournalProgress.Snapshot progress() {
        return spool.progress().snapshot();
    }

    /**
     * After a write failure: drops every open segment and every temp file, as recovery would after a
     * crash, and returns the streams they belonged to. Their rows must be replayed from the journal.
     */
    public Set<String> discardOpenSegments() throws IOException {
        // recorded first (every stream that may have an open segment): a crash after the discard, before a stream
        // writes again, leaves no temp file to say it lacks those entries (JournalProgress)
        Set<String> owed = new TreeSet<>();
        for (StreamWriter w : spool.writers()) owed.add(w.stream());
        try (Stream<Path> temps = Files.list(spool.layout().active())) {
            temps.forEach(t -> {
                String stream = SpoolLayout.streamOfTemp(t.getFileName().toString());
                if (stream != null) owed.add(stream);
            });
        }
        spool.progress().replaying(owed);
        Set<String> streams = new TreeSet<>();
        for (StreamWriter w : spool.writers()) {
            if (w.discardOpen()) streams.add(w.stream());
        }
        spool.sealer().await(); // segments handed over before are sealed or left in active/ by now
        try (Stream<Path> temps = Files.list(spool.layout().active())) {
            for (Path t : temps.toList()) {
                String stream = SpoolLayout.streamOfTemp(t.getFileName().toString());
                Files.deleteIfExists(t);
                if (stream != null) streams.add(stream);
            }
        }
        spool.sealer().reset();
        return streams;
    }

    /**
     * Throws a write failure not yet dealt with: a segment that failed to seal on the sealing
     * thread (a rotation timer's seal, say) while no one was appending.
     */
    public void checkWrites() throws SpoolWriteException {
        spool.sealer().check();
    }
}
