package dev.cistern.agent.http;

import java.nio.charset.StandardCharsets;

/** Short plain-text, byte and empty answers; each returns the status it set. */
public final class Responses {
    private Responses() {}

    public static int text(Exchange ex, int status, String message) {
        return bytes(ex, status, (message + "\n").getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }

    public static int bytes(Exchange ex, int status, byte[] body, String contentType) {
        ex.responseHeader("Content-Type", contentType);
        ex.respond(status, body);
        return status;
    }

    public static int empty(Exchange ex, int status) {
        ex.respond(status, new byte[0]);
        return status;
    }
}
