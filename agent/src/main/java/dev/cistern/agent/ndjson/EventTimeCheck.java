package dev.cistern.agent.ndjson;

import dev.cistern.spool.JsonLines;
import dev.cistern.spool.SegmentName;

/**
 * What ingest does with each row's event time: a time outside the spool's range is refused, as is
 * one that does not parse when the stream says {@code on_unparsable: reject}; the rest that do not
 * parse are counted, to be stored under their arrival time. One per request.
 */
public final class EventTimeCheck implements NdjsonBody.TimedLine {
    /** The reason a request is refused for a time that does not parse, under {@code on_unparsable: reject}. */
    public static final String REFUSED = "event_time_unparsable";

    private final EventTime time;
    private final byte[] body;
    private long unparsable;

    public EventTimeCheck(EventTime time, byte[] body) {
        this.time = time;
        this.body = body;
    }

    @Override
    public void line(int lineNumber, int start, int end, long ts) {
        if (ts == JsonLines.NO_TIME) return;
        if (ts == JsonLines.BAD_TIME) {
            unparsable++;
            if (time.onUnparsable() == EventTime.OnUnparsable.REJECT) {
                throw new InvalidNdjsonException(REFUSED, "line " + lineNumber + ": \"" + time.field() + "\" is "
                        + time.shownValue(body, start, end) + ", not " + time.format().description()
                        + " (this stream has on_unparsable: reject)");
            }
            return;
        }
        if (!SegmentName.inRange(ts)) {
            throw new InvalidNdjsonException("timestamp_out_of_range", "line " + lineNumber + ": \"" + time.field() + "\" "
                    + time.shownValue(body, start, end) + " is outside 1970-01-01..9999-12-31 (read as "
                    + time.format().description() + ")");
        }
    }

    /** Rows seen so far whose time field did not parse (under reject, the one that refused the request). */
    public long unparsable() {
        return unparsable;
    }

    public EventTime time() {
        return time;
    }
}
