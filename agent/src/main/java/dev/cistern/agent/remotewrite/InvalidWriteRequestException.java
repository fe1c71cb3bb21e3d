package dev.cistern.agent.remotewrite;

/**
 * A remote_write body that cannot be taken: not snappy, not a valid WriteRequest, breaking the
 * agent's label rules, or decompressing past the limit. Carries a short reason for metrics; ingest
 * answers it as a 400 (or 413 when {@link #tooLarge}).
 */
public final class InvalidWriteRequestException extends RuntimeException {
    private final String reason;
    private final boolean tooLarge;

    private InvalidWriteRequestException(String reason, String message, boolean tooLarge) {
        super(message);
        this.reason = reason;
        this.tooLarge = tooLarge;
    }

    static InvalidWriteRequestException malformed(String reason, String message) {
        return new InvalidWriteRequestException(reason, message, false);
    }

    static InvalidWriteRequestException tooLarge(String message) {
        return new InvalidWriteRequestException("too_large", message, true);
    }

    /** Label value for the rejected-requests metric. */
    public String reason() {
        return reason;
    }

    /** Whether the body decompresses past the limit (rather than being malformed). */
    public boolean tooLarge() {
        return tooLarge;
    }
}
