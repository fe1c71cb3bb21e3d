package dev.cistern.agent.ndjson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Locale;

/**
 * Where an NDJSON stream's rows carry their event time, and what a row whose field does not parse
 * gets. The time names the row's segment and partition; the row is stored as sent either way.
 */
public record EventTime(String field, EventTimeFormat format, OnUnparsable onUnparsable) {
    /** What rows always had: an integral {@code ts} in epoch milliseconds, else the time of arrival. */
    public static final EventTime DEFAULT = new EventTime("ts", EventTimeFormat.EPOCH_MS, OnUnparsable.ARRIVAL);

    private static final JsonFactory JSON = new JsonFactory();
    private static final int SHOWN_CHARS = 40;

    /** A row whose field is there but holds no time in the format. */
    public enum OnUnparsable {
        /** Stored under its arrival time, as a row without the field is. */
        ARRIVAL,
        /** Its whole request is refused with 400, naming the line. */
        REJECT;

        /** As written in the config and in metric labels. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The policy named {@code value} in the config, or null. */
        public static OnUnparsable named(String value) {
            for (OnUnparsable p : values()) if (p.configName().equals(value)) return p;
            return null;
        }
    }

    /**
     * The time field's value in the row {@code b[start, end)} as sent, shortened, for a message:
     * read again only when a row is refused.
     */
    String shownValue(byte[] b, int start, int end) {
        try (JsonParser p = JSON.createParser(b, start, end - start)) {
            p.nextToken();
            String shown = "?";
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                boolean ours = field.equals(p.currentName());
                JsonToken v = p.nextToken();
                if (ours) {
                    shown = switch (v) {
                        case START_OBJECT -> "an object";
                        case START_ARRAY -> "an array";
                        case VALUE_STRING -> '"' + p.getText() + '"';
                        default -> p.getText();
                    };
                }
                p.skipChildren();
            }
            return shown.length() > SHOWN_CHARS ? shown.substring(0, SHOWN_CHARS) + "..." : shown;
        } catch (IOException e) {
            return "?";
        }
    }
}
