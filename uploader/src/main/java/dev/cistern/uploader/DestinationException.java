package dev.cistern.uploader;

import java.io.IOException;

/**
 * A failed upload, saying whether trying again could help. Permanent failures (the destination
 * refused this file for good: 400, 403, 404 bucket) are not retried; after a configured number of
 * them the file moves to quarantine. Everything else (I/O errors, timeouts, 429, 5xx) is retried.
 */
public class DestinationException extends IOException {
    private final boolean permanent;
    private final int status;

    public DestinationException(String message, boolean permanent, int status, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
        this.status = status;
    }

    /** The destination refused the file for good; retrying will not help. */
    public static DestinationException permanent(String message, int status, Throwable cause) {
        return new DestinationException(message, true, status, cause);
    }

    /** A failure that may pass: retry with backoff. */
    public static DestinationException retryable(String message, int status, Throwable cause) {
        return new DestinationException(message, false, status, cause);
    }

    public boolean permanent() { return permanent; }

    /** The HTTP status the destination answered with, or 0 when there was no answer. */
    public int status() { return status; }
}
