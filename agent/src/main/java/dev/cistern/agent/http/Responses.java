package dev.cistern.agent.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Short plain-text and empty answers; each returns the status it sent. */
public final class Responses {
    private Responses() {}

    public static int text(HttpExchange ex, int status, String message) throws IOException {
        byte[] b = (message + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
        return status;
    }

    public static int empty(HttpExchange ex, int status) throws IOException {
        ex.sendResponseHeaders(status, -1);
        return status;
    }
}
