package dev.cistern.spool;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** Where rows go. {@link StreamWriter} is one; {@link StreamWriter#batch} hands out another that holds one lock. */
public interface RowSink {

    /** Writes the fields of one JSON object; the braces are written for you. */
    @FunctionalInterface
    interface ObjectWriter {
        void write(JsonGenerator json) throws IOException;
    }

    /** Appends one sample of a series. */
    void append(Series series, long timestampMillis, double value) throws IOException;

    /**
     * Appends one JSON object given as UTF-8 bytes (one NDJSON line, without the newline). It is
     * validated whole first; its event time is its top-level numeric {@code "ts"} field (epoch ms)
     * or, without one, the time of the append.
     *
     * @throws InvalidRowException when it is not exactly one JSON object
     */
    void appendJson(byte[] utf8, int offset, int length) throws IOException;

    /**
     * As {@link #appendJson(byte[], int, int)}, under the event time {@code timestampMillis} given
     * (read from the row by the caller, e.g. from another field); the row is written unchanged.
     */
    void appendJson(byte[] utf8, int offset, int length, long timestampMillis) throws IOException;

    /** Appends a JSON object written field by field with Jackson streaming, with its event time. */
    void appendObject(long timestampMillis, ObjectWriter fields) throws IOException;
}
