package dev.cistern.agent.ingest;

/** A request refused before anything was written: the HTTP status, a metric reason and a message. */
public final class IngestException extends RuntimeException {
    private final int status;
    private final String reason;

    public IngestException(int status, String reason, String message) {
        super(message);
        this.status = status;
        this.reason = reason;
    }

    public static IngestException badRequest(String reason, String message) {
        return new IngestException(400, reason, message);
    }

    public static IngestException tooLarge(String message) {
        return new IngestException(413, "too_large", message);
    }

    public int status() {
        return status;
    }

    /** Label value for the rejected-requests metric. */
    public String reason() {
        return reason;
    }
}
