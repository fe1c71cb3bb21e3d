package dev.cistern.agent.ndjson;

/** An NDJSON body with a line that is not one JSON object; the message names the line, the reason is for metrics. */
public final class InvalidNdjsonException extends RuntimeException {
    private final String reason;

    InvalidNdjsonException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** {@code malformed_json}, {@code bad_encoding}, {@code too_deep}, {@code timestamp_out_of_range} or {@code event_time_unparsable}. */
    public String reason() {
        return reason;
    }
}
