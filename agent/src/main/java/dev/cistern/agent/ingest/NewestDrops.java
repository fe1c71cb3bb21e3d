package dev.cistern.agent.ingest;

import dev.cistern.agent.ndjson.EventTime;
import dev.cistern.agent.ndjson.NdjsonBody;
import dev.cistern.agent.remotewrite.DecodedRequest;
import dev.cistern.spool.DropReport;
import dev.cistern.spool.InvalidRowException;
import dev.cistern.spool.JsonLines;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;

/**
 * Requests accepted and dropped under {@code overflow: drop_newest}, reported as retention reports
 * the files it drops ({@link DropReport}): per stream, with rows and time range.
 */
final class NewestDrops {
    private static final String REASON = "overflow drop_newest";

    private final DropReport report = new DropReport("incoming", Level.WARNING, 10_000);
    private final Supplier<List<String>> streams;

    /** @param streams the router's streams in force, by route bit (a config reload may change them) */
    NewestDrops(Supplier<List<String>> streams) {
        this.streams = streams;
    }

    DropReport report() {
        return report;
    }

    /** The rows of a remote_write request, per stream they were routed to. */
    void remoteWrite(DecodedRequest r) {
        List<String> streams = this.streams.get(); // a request decoded just before a routing reload may be named by the new one
        for (int s = 0; s < streams.size(); s++) {
            long bit = 1L << s;
            long rows = 0;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < r.seriesCount(); i++) {
                if ((r.series(i).route() & bit) == 0) continue;
                for (int k = r.firstSample(i), end = r.endSample(i); k < end; k++) {
                    min = Math.min(min, r.timestamp(k));
                    max = Math.max(max, r.timestamp(k));
                    rows++;
                }
            }
            if (rows > 0) report.dropped(streams.get(s), REASON, rows, min, max, r.sampleCount() + " samples in the request");
        }
    }

    /** The rows of an NDJSON request (validated), with the time range of their event times. */
    void ndjson(String stream, byte[] body, long rows, EventTime time) throws IOException {
        long now = System.currentTimeMillis(); // what a row with no time of its own would have been stored under
        long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
        NdjsonBody.forEachRow(body, (line, start, end) -> {
            try {
                long ts = JsonLines.validate(body, start, end - start, time.field(), time.format(), JsonLines.ANY_DEPTH);
                if (ts == JsonLines.NO_TIME || ts == JsonLines.BAD_TIME) ts = now;
                range[0] = Math.min(range[0], ts);
                range[1] = Math.max(range[1], ts);
            } catch (InvalidRowException validatedBefore) {
                // validated before: cannot happen
            }
        });
        report.dropped(stream, REASON, rows, range[0], range[1], body.length + " bytes of NDJSON");
    }
}
