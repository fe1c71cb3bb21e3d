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
    private final HttpHeaders responseHeaders = new DefaultHttpHeaders();
    private int status;
    private byte[] responseBody = new byte[0];

    /** {@code request} is null for an answer to a request whose headers never came whole. */
    Exchange(HttpRequest request, String path, byte[] body) {
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
