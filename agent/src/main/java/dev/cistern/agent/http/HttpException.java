package dev.cistern.agent.http;

/**
 * A request refused with an error status: the status, a reason for the rejected-requests metric,
 * and a message the client sees. An {@link HttpFront.Endpoint} throws it; the front answers it.
 */
public class HttpException extends RuntimeException {
    private final int status;
    private final String reason;

    public HttpException(int status, String reason, String message) {
        super(message);
        this.status = status;
        this.reason = reason;
    }

    public static HttpException badRequest(String reason, String message) {
        return new HttpException(400, reason, message);
    }

    public static HttpException tooLarge(String message) {
        return new HttpException(413, "too_large", message);
    }

    public final int status() {
        return status;
    }

    /** Label value for the rejected-requests metric. */
    public final String reason() {
        return reason;
    }
}
