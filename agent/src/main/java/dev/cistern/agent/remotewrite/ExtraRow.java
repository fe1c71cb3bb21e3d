package dev.cistern.agent.remotewrite;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cistern.spool.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A row of a remote_write request besides its float samples: a native histogram sample, an
 * exemplar, or a metric's metadata, tied to its series (whose labels and routes it shares).
 * Written as {@code {"name":..,"ts":..,"<kind>":{..},"labels":{..}}}: docs/format.md.
 */
public record ExtraRow(Kind kind, SeriesCache.Entry series, long ts, Body body) {
    /** A row without a time of its own (remote_write 1.0 metadata): the spool stamps it when written. */
    public static final long NO_TS = Long.MIN_VALUE;
    private static final JsonFactory JSON = new JsonFactory();

    /** What the row holds; its reason word when not kept ({@code <kind>_not_kept}). */
    public enum Kind {
        HISTOGRAM("histogram"), EXEMPLAR("exemplar"), METADATA("metadata");

        private final String field;

        Kind(String field) {
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** The fields of the kind's object. */
    @FunctionalInterface
    public interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** An exemplar: its value and labels (key/value pairs, as sent). */
    record Exemplar(double value, String[] labels) implements Body {
        @Override
        public void write(JsonGenerator g) throws IOException {
            g.writeFieldName("value");
            JsonNumbers.write(g, value);
            g.writeObjectFieldStart("labels");
            for (int i = 0; i + 1 < labels.length; i += 2) g.writeStringField(labels[i], labels[i + 1]);
            g.writeEndObject();
        }
    }

    /** A metric's type, help and unit (empty when not sent), and in 2.0 its created timestamp (0: not sent). */
    record Metadata(int type, String help, String unit, long createdTs) implements Body {
        private static final String[] TYPES = {"unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info",
                "stateset"};

        @Override
        public void write(JsonGenerator g) throws IOException {
            g.writeStringField("type", type >= 0 && type < TYPES.length ? TYPES[type] : Integer.toString(type));
            g.writeStringField("help", help);
            g.writeStringField("unit", unit);
            if (createdTs != 0) g.writeNumberField("created_ts", createdTs);
        }
    }

    public boolean hasTime() {
        return ts != NO_TS;
    }

    /** Writes the row's fields (the braces are the caller's). */
    public void write(JsonGenerator g) throws IOException {
        g.writeStringField("name", series.series().name());
        if (hasTime()) g.writeNumberField("ts", ts);
        g.writeObjectFieldStart(kind.field);
        body.write(g);
        g.writeEndObject();
        g.writeObjectFieldStart("labels");
        Labels l = series.series().labels();
        for (int i = 0; i < l.size(); i++) g.writeStringField(l.key(i), l.value(i));
        g.writeEndObject();
    }

    /** The row as one JSON object in UTF-8, for rows without a time ({@code RowSink.appendJson}). */
    public byte[] json() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
