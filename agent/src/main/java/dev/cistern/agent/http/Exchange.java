package dev.cistern.agent.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * One request as an endpoint sees it, whole: method, path, query, headers and the body the front has
 * already read within its limits; and the answer the endpoint sets, which the front sends.
 */
public final class Exchange {
    private final HttpRequest request;
    private final String path;
    private final String rawQuery;
    private final byte[] body;
    private final InflightBudget budget;
    private long charged; // bytes of the budget held for this request beyond its body
    private final HttpHeaders responseHeaders = new DefaultHttpHeaders();
    private int status;
    private byte[] responseBody = new byte[0];

    /** {@code request} is null for an answer to a request whose headers never came whole; {@code budget} null: nothing to charge. */
    Exchange(HttpRequest request, String path, byte[] body, InflightBudget budget) {
        this.budget = budget;
        this.request = request;
        this.path = path;
        int q = request == null ? -1 : request.uri().indexOf('?');
        this.rawQuery = q < 0 ? null : request.uri().substring(q + 1);
        this.body = body;
    }

    public String method() {
        return request.method().name();
    }

    /** The decoded path, without the query. */
    public String path() {
        return path;
    }

    /** The query string as sent (still percent-encoded), or null. */
    public String rawQuery() {
        return rawQuery;
    }

    /** The first value of a request header, or null. */
    public String header(String name) {
        return request.headers().get(name);
    }

    HttpRequest request() {
        return request;
    }

    byte[] body() {
        return body;
    }

    /**
     * Holds {@code bytes} more of the in-flight budget ({@code server.max_inflight_bytes}) until the answer is written:
     * an endpoint calls it before it allocates what it makes of the body (a decompressed body, decoded rows).
     * When other requests hold the room it waits up to {@code server.inflight_wait}, then refuses with 503 and
     * Retry-After; a request that needs more than the whole budget is a 413.
     */
    public void charge(long bytes) {
        if (budget == null || bytes <= 0) return;
        long needs = body.length + charged + bytes;
        if (needs > budget.max()) {
            throw new HttpException(413, "too_large", "decoding this request needs over " + needs + " bytes, more than"
                    + " server.max_inflight_bytes (" + budget.max() + "): send smaller requests, or raise it with the heap (-Xmx)");
        }
        boolean got;
        try {
            got = budget.reserve(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            throw new HttpException(503, "inflight_bytes", "too many request bytes in flight (server.max_inflight_bytes "
                    + budget.max() + ", waited " + budget.waitMillis() + " ms); retry later");
        }
        charged += bytes;
    }

    /** Gives back what {@link #charge} took; the front calls it once the endpoint is done. */
    void releaseCharges() {
        if (budget != null) budget.release(charged);
        charged = 0;
    }

    public void responseHeader(String name, String value) {
        responseHeaders.set(name, value);
    }

    /** Sets the answer; the front sends it when the endpoint returns. */
    void respond(int status, byte[] body) {
        this.status = status;
        this.responseBody = body;
    }

    int status() {
        return status;
    }

    byte[] responseBody() {
        return responseBody;
    }

    HttpHeaders responseHeaders() {
        return responseHeaders;
    }
}
