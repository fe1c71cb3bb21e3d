package dev.cistern.spool;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What to read back: streams and a time range (used to prune files by name before opening them),
 * row filters, and a page. Time range is [from, to) in epoch ms. Immutable; use {@link #builder()}.
 */
public final class ScanQuery {
    private final Set<String> streams;
    private final long from;
    private final long to;
    private final String name;
    private final Map<String, String> labels;
    private final String text;
    final byte[] textLower;
    private final long offset;
    private final long limit;
    private final boolean includeUploaded;
    private final String timeField;
    private final JsonLines.TimeReader timeReader;

    private ScanQuery(Builder b) {
        includeUploaded = b.includeUploaded;
        streams = Set.copyOf(b.streams);
        from = b.from;
        to = b.to;
        name = b.name;
        labels = Map.copyOf(b.labels);
        text = b.text;
        textLower = text == null ? null : text.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        offset = b.offset;
        limit = b.limit;
        timeField = b.timeField;
        timeReader = b.timeReader;
    }

    public static Builder builder() { return new Builder(); }
    public static ScanQuery all() { return builder().build(); }
    /** Every segment in {@code sealed/} only: what still waits to be uploaded. */
    public static ScanQuery waitingForUpload() { return builder().includeUploaded(false).build(); }

    public Set<String> streams() { return streams; }
    public long from() { return from; }
    public long to() { return to; }
    public String name() { return name; }
    public Map<String, String> labels() { return labels; }
    public String text() { return text; }
    public long offset() { return offset; }
    /** 0 means no limit. */
    public long limit() { return limit; }
    /** Whether segments kept in {@code uploaded/} are read too (default true). */
    public boolean includeUploaded() { return includeUploaded; }

    /** The top-level field holding a row's event time ({@code ts} unless set). */
    public String timeField() { return timeField; }
    /** Reads {@link #timeField()}; null for the integral (or fractional) epoch milliseconds of {@code ts}. */
    JsonLines.TimeReader timeReader() { return timeReader; }

    /** Whether rows are filtered by time at all (files are pruned by name either way). */
    boolean timeBounded() {
        return from != Long.MIN_VALUE || to != Long.MAX_VALUE;
    }

    boolean wantsStream(String stream) {
        return streams.isEmpty() || streams.contains(stream);
    }

    public static final class Builder {
        private final Set<String> streams = new TreeSet<>();
        private long from = Long.MIN_VALUE;
        private long to = Long.MAX_VALUE;
        private String name;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private String text;
        private long offset;
        private long limit;
        private boolean includeUploaded = true;
        private String timeField = "ts";
        private JsonLines.TimeReader timeReader;

        /** Read segments kept in {@code uploaded/} too (default), or only those in {@code sealed/}. */
        public Builder includeUploaded(boolean include) {
            includeUploaded = include;
            return this;
        }

        public Builder stream(String stream) {
            streams.add(StreamName.check(stream));
            return this;
        }

        /** Rows with ts at or after this instant (epoch ms). */
        public Builder from(long epochMillis) {
            from = epochMillis;
            return this;
        }

        /** Rows with ts before this instant (epoch ms). */
        public Builder to(long epochMillis) {
            to = epochMillis;
            return this;
        }

        /**
         * Read a row's event time for {@link #from}/{@link #to} from this top-level field with this
         * reader (an NDJSON stream's {@code event_time}), instead of an epoch-millisecond {@code ts}.
         * Files are pruned by their names, which carry the time the stream was partitioned by.
         */
        public Builder timeField(String field, JsonLines.TimeReader reader) {
            if (field == null || field.isEmpty()) throw new IllegalArgumentException("a time field needs a name");
            timeField = field;
            timeReader = reader;
            return this;
        }

        /** Rows whose "name" equals this. */
        public Builder name(String metricName) {
            name = metricName;
            return this;
        }

        /** Rows whose "labels" object has this key with exactly this value. */
        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        /** Rows whose JSON line contains this text, ignoring ASCII case. */
        public Builder text(String needle) {
            text = needle == null || needle.isEmpty() ? null : needle;
            return this;
        }

        public Builder offset(long rows) {
            if (rows < 0) throw new IllegalArgumentException("offset must not be negative, was " + rows);
            offset = rows;
            return this;
        }

        /** At most this many rows in a page; 0 means all. */
        public Builder limit(long rows) {
            if (rows < 0) throw new IllegalArgumentException("limit must not be negative, was " + rows);
            limit = rows;
            return this;
        }

        public ScanQuery build() {
            if (from > to) throw new IllegalArgumentException("from (" + from + ") is after to (" + to + ")");
            return new ScanQuery(this);
        }
    }
}
