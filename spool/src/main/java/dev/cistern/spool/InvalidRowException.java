package dev.cistern.spool;

/** A row was rejected before anything of it was written. */
public final class InvalidRowException extends IllegalArgumentException {
    private final String reason;

    public InvalidRowException(String message) {
        this("malformed_json", message);
    }

    /** {@code reason}: a short word for metrics, e.g. {@code bad_encoding}, {@code too_deep}. */
    public InvalidRowException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
