package dev.cistern.agent.ndjson;

import dev.cistern.spool.InvalidRowException;
import dev.cistern.spool.JsonLines;
import java.io.IOException;

/**
 * The rows of an NDJSON body: lines split on LF (a trailing CR is dropped), blank lines skipped.
 * Ingest validates with it and the applier writes with it, so both see the same rows.
 */
public final class NdjsonBody {

    /** Sees each non-blank line as {@code body[start, end)}, with its 1-based line number. */
    @FunctionalInterface
    public interface LineVisitor {
        void line(int lineNumber, int start, int end) throws IOException;
    }

    /** Sees each valid line with its event time: epoch ms, {@link JsonLines#NO_TIME} or {@link JsonLines#BAD_TIME}. */
    @FunctionalInterface
    public interface TimedLine {
        void line(int lineNumber, int start, int end, long eventTime) throws IOException;
    }

    private NdjsonBody() {}

    /**
     * Checks every non-blank line is one JSON object in UTF-8 (no byte-order mark, no NUL byte),
     * nested at most {@code maxDepth} deep, reading its event time as {@code time} says in the same
     * pass and handing it to {@code visitor}, which judges it; returns the row count. A bad line is an
     * {@link InvalidNdjsonException} naming its line number.
     */
    public static long validateLines(byte[] p, int maxDepth, EventTime time, TimedLine visitor) throws IOException {
        String bom = JsonLines.encodingProblem(p, 0, Math.min(p.length, 4));
        if (bom != null) throw new InvalidNdjsonException("bad_encoding", "body " + bom);
        return forEachRow(p, (line, start, end) -> {
            long ts;
            try {
                ts = JsonLines.validate(p, start, end - start, time.field(), time.format(), maxDepth);
            } catch (InvalidRowException e) {
                throw new InvalidNdjsonException(e.reason(), "line " + line + ": " + e.getMessage());
            }
            visitor.line(line, start, end, ts);
        });
    }

    /** Visits every non-blank line and returns how many there were. */
    public static long forEachRow(byte[] body, LineVisitor visitor) throws IOException {
        long rows = 0;
        int line = 0;
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                line++;
                int end = i;
                if (end > start && body[end - 1] == '\r') end--;
                if (!isBlank(body, start, end)) {
                    visitor.line(line, start, end);
                    rows++;
                }
                start = i + 1;
            }
        }
        return rows;
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\r') return false;
        }
        return true;
    }
}
