package dev.cistern.agent.ndjson;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cistern.spool.JsonLines;
import java.io.IOException;
import java.util.Locale;

/**
 * How a row's event time is written: a number (or a string holding one) of a unit since the epoch,
 * an RFC 3339 string, or {@code auto}: RFC 3339 for such strings, else a number whose size picks the
 * unit. Reads the characters Jackson already holds for the value: nothing is allocated per row.
 */
public enum EventTimeFormat implements JsonLines.TimeReader {
    EPOCH_MS(0, "epoch milliseconds"),
    EPOCH_S(3, "epoch seconds"),
    EPOCH_US(-3, "epoch microseconds"),
    EPOCH_NS(-6, "epoch nanoseconds"),
    RFC3339(0, "an RFC 3339 time"),
    AUTO(0, "a time (RFC 3339, or epoch seconds, ms, us or ns)");

    private final int millisExponent;
    private final String description;

    EventTimeFormat(int millisExponent, String description) {
        this.millisExponent = millisExponent;
        this.description = description;
    }

    /** As written in the config. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What a value must be, for the message that refuses one. */
    public String description() {
        return description;
    }

    /** The format named {@code value} in the config, or null. */
    public static EventTimeFormat named(String value) {
        for (EventTimeFormat f : values()) if (f.configName().equals(value)) return f;
        return null;
    }

    @Override
    public long read(JsonParser p, JsonToken v) throws IOException {
        boolean string = v == JsonToken.VALUE_STRING;
        if (!string && v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) return JsonLines.BAD_TIME;
        return parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), string);
    }

    /** The text of a value, a string's or a number's: epoch milliseconds, or {@link JsonLines#BAD_TIME}. */
    long parse(char[] c, int off, int len, boolean string) {
        return switch (this) {
            case RFC3339 -> string ? Rfc3339.millis(c, off, len) : JsonLines.BAD_TIME;
            case AUTO -> auto(c, off, len, string);
            default -> EpochNumber.millis(c, off, len, millisExponent);
        };
    }

    /** Epoch seconds up to 1e11 (year 5138), milliseconds up to 1e14, microseconds up to 1e17, else nanoseconds. */
    private static long auto(char[] c, int off, int len, boolean string) {
        if (string) {
            long t = Rfc3339.millis(c, off, len);
            if (t != JsonLines.BAD_TIME) return t;
        }
        long asMillis = EpochNumber.millis(c, off, len, 0);
        if (asMillis == JsonLines.BAD_TIME) return JsonLines.BAD_TIME;
        long size = Math.abs(asMillis); // never Long.MIN_VALUE
        if (size < 100_000_000_000L) return EpochNumber.millis(c, off, len, 3);
        if (size < 100_000_000_000_000L) return asMillis;
        if (size < 100_000_000_000_000_000L) return EpochNumber.millis(c, off, len, -3);
        return EpochNumber.millis(c, off, len, -6);
    }
}
