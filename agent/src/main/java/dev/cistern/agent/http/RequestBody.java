package dev.cistern.agent.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reading a request body within a limit, and draining what a refused client is still sending. */
public final class RequestBody {
    private RequestBody() {}

    /** Reads a request body up to {@code limit} bytes; more is a 413 before anything is kept. */
    public static byte[] read(HttpExchange ex, long limit) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                throw HttpException.badRequest("bad_content_length", "Content-Length is not a number");
            }
            if (n > limit) {
                throw HttpException.tooLarge("body of " + n + " bytes is over the limit of " + limit);
            }
            if (n >= 0) {
                // the server ends the body stream at Content-Length: read it into one array, no chunk list
                try (InputStream in = ex.getRequestBody()) {
                    byte[] body = new byte[(int) n];
                    int got = in.readNBytes(body, 0, body.length);
                    return got == body.length ? body : Arrays.copyOf(body, got);
                }
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw HttpException.tooLarge("body is over the limit of " + limit + " bytes");
            }
            return body;
        }
    }

    /** Reads and discards what the client is still sending (up to a cap) so it sees the answer, not a reset. */
    static void drain(HttpExchange ex, long cap) {
        try (InputStream in = ex.getRequestBody()) {
            byte[] sink = new byte[8192];
            long total = 0;
            int n;
            while (total < cap && (n = in.read(sink)) > 0) total += n;
        } catch (IOException ignored) {
            // the client went away; nothing to answer
        }
    }
}
