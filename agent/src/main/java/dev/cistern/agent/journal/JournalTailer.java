package dev.cistern.agent.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads one lane's entries in order (see {@link Lanes}), moving past other lanes' entries without
 * copying them. Not thread-safe: one per reader.
 */
public final class JournalTailer implements AutoCloseable {
    private final ExcerptTailer tailer;
    private final Lanes lanes;
    private final int lane;
    private final PagesBehind pages = new PagesBehind();
    private long lastIndexRead = -1;

    JournalTailer(ExcerptTailer tailer, Lanes lanes, int lane) {
        if (lane < 0 || lane >= lanes.count()) throw new IllegalArgumentException("lane " + lane + " out of range for " + lanes);
        this.tailer = tailer;
        this.lanes = lanes;
        this.lane = lane;
        tailer.singleThreadedCheckDisabled(true); // positioned by one thread, then read by the applier
    }

    /** Whether the payload of an entry is to be copied out. */
    @FunctionalInterface
    public interface PayloadWanted {
        boolean test(long index, JournalEntry.Kind kind);
    }

    /**
     * Positions the tailer at the entry {@code index}; when there is no such entry (-1, a
     * cycle boundary, or a released cycle), at the start: callers skip what they do not need.
     */
    public void seek(long index) {
        lastIndexRead = -1;
        if (index < 0 || !tailer.moveToIndex(index)) tailer.toStart();
    }

    /** The next entry of this lane, or null when there is none yet. */
    public JournalEntry next() {
        return next((index, kind) -> true);
    }

    /**
     * As {@link #next()}, but the payload is copied only when {@code wantPayload} says so for the
     * entry (the caller may have its contents already).
     */
    public JournalEntry next(PayloadWanted wantPayload) {
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) return null;
                long index = dc.index();
                lastIndexRead = index;
                Bytes<?> b = dc.wire().bytes();
                pages.passed(b, b.readPosition()); // the entries before this one are read
                if (lanes.laneOf(index) != lane) continue; // closing the context moves past it
                return EntryFormat.read(index, b, wantPayload);
            }
        }
    }

    /** Index of the last entry this tailer moved past, in any lane; -1 before the first. */
    public long lastIndexRead() {
        return lastIndexRead;
    }

    @Override
    public void close() {
        tailer.close();
    }
}
