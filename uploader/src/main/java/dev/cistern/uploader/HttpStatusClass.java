package dev.cistern.uploader;

/** Which HTTP answers are worth retrying, shared by the HTTP destinations. See docs/uploader.md. */
public final class HttpStatusClass {
    private HttpStatusClass() {}

    /** 408 (request timeout), 429 (slow down) and every 5xx may pass; other 4xx will not. */
    public static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }
}
