package dev.cistern.spool;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A query's field filters (name, labels, time) applied with a JSON parser: for the rows
 * {@link RowFilter} cannot read on their bytes (escapes where a filter looks, a fractional time, a
 * configured time format), and to build a {@link Row} for a match. Slower and allocating, so it
 * sees few rows. The text filter is {@link RowFilter}'s alone.
 */
final class JsonRowMatch {
    private final ScanQuery q;

    JsonRowMatch(ScanQuery q) {
        this.q = q;
    }

    /** What the filters read from a row; ts is {@link Long#MIN_VALUE} when it has no time. */
    private record Fields(String name, long ts, Map<String, String> labels) {}

    /**
     * Whether the row passes the name, label and time filters.
     *
     * @param fileInRange the whole file lies in the query's time range (from its name), so a row
     *                    whose time cannot be read is in range too
     */
    boolean matches(byte[] b, int off, int len, boolean fileInRange) {
        Fields f = read(b, off, len, !q.labels().isEmpty());
        if (f == null) return false; // not a JSON object: never matches
        if (q.name() != null && !q.name().equals(f.name)) return false;
        if (f.ts != Long.MIN_VALUE && (f.ts < q.from() || f.ts >= q.to())) return false;
        if (f.ts == Long.MIN_VALUE && !fileInRange && q.timeBounded()) return false;
        for (Map.Entry<String, String> e : q.labels().entrySet()) {
            if (f.labels == null || !e.getValue().equals(f.labels.get(e.getKey()))) return false;
        }
        return true;
    }

    /** A matched row as a {@link Row}: its line, name and time. */
    Row row(String stream, byte[] b, int off, int len) {
        Fields f = read(b, off, len, false);
        String json = new String(b, off, len, StandardCharsets.UTF_8);
        return f == null ? new Row(stream, json, null, Long.MIN_VALUE) : new Row(stream, json, f.name, f.ts);
    }

    private Fields read(byte[] b, int off, int len, boolean withLabels) {
        String name = null;
        long ts = Long.MIN_VALUE;
        Map<String, String> labels = null;
        try (JsonParser p = JsonLines.FACTORY.createParser(b, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if ("name".equals(field) && v == JsonToken.VALUE_STRING) name = p.getText();
                else if (q.timeField().equals(field) && v.isScalarValue()) ts = time(p, v, ts);
                else if ("labels".equals(field) && v == JsonToken.START_OBJECT && withLabels) {
                    labels = new HashMap<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        if (p.nextToken() == JsonToken.VALUE_STRING) labels.put(k, p.getText());
                        else p.skipChildren();
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return new Fields(name, ts, labels);
    }

    /** The time a value holds, else what an earlier field gave ({@link Long#MIN_VALUE} for none). */
    private long time(JsonParser p, JsonToken v, long earlier) throws IOException {
        if (q.timeReader() != null) {
            long t = q.timeReader().read(p, v);
            return t == JsonLines.NO_TIME || t == JsonLines.BAD_TIME ? earlier : t;
        }
        if (v == JsonToken.VALUE_NUMBER_INT) return p.getLongValue();
        if (v == JsonToken.VALUE_NUMBER_FLOAT) return (long) p.getDoubleValue();
        return earlier;
    }
}
