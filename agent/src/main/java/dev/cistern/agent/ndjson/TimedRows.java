package dev.cistern.agent.ndjson;

import dev.cistern.spool.JsonLines;
import dev.cistern.spool.RowSink;
import dev.cistern.spool.SegmentName;
import java.io.IOException;
import java.util.Arrays;

/**
 * The rows of a journaled NDJSON entry with the event time each is written under: its time field's,
 * or the arrival time when it has none that parses (what ingest accepted, so nothing is refused
 * here, even if the config changed since). One per applier lane: its buffer is reused.
 */
public final class TimedRows {
    private static final int KEEP_ROWS = 1 << 16;
    private final EventTimes eventTimes;
    private long[] times = new long[256];
    private int rows;
    private int next;

    public TimedRows(EventTimes eventTimes) {
        this.eventTimes = eventTimes;
    }

    /** Validates an entry of {@code stream} whole and reads each row's event time; a bad line is an {@link InvalidNdjsonException}. */
    public void read(byte[] p, String stream, long arrival) throws IOException {
        rows = 0;
        NdjsonBody.validateLines(p, JsonLines.ANY_DEPTH, eventTimes.of(stream), (line, start, end, ts) -> {
            if (rows == times.length) times = Arrays.copyOf(times, rows * 2);
            times[rows++] = ts == JsonLines.NO_TIME || ts == JsonLines.BAD_TIME || !SegmentName.inRange(ts) ? arrival : ts;
        });
    }

    /** Appends the rows {@link #read} read, unchanged, each under its time; returns how many. */
    public long write(byte[] p, RowSink sink) throws IOException {
        next = 0;
        long n = NdjsonBody.forEachRow(p, (line, start, end) -> sink.appendJson(p, start, end - start, times[next++]));
        if (times.length > KEEP_ROWS) times = new long[256]; // one huge entry does not pin its buffer
        return n;
    }
}
