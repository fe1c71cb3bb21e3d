package dev.cistern.agent.http;

import dev.cistern.agent.metrics.AgentMetrics;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * Runs endpoints off the event loop (ingest on the bounded ingest pool, ops on their own small pool),
 * turns {@link HttpException}s into short plain-text answers, writes every answer and counts it.
 */
final class Serving {
    private static final Logger LOG = Logger.getLogger(HttpFront.class.getName());

    /** An answer decided without running an endpoint. */
    record Refusal(int status, String reason, String message) {}

    static final Refusal OVERLOADED = new Refusal(503, "overloaded", "ingest queue is full; retry later");
    static final Refusal OVERLOADED_BYTES = new Refusal(503, "inflight_bytes", "too many request bytes in flight; retry later");
    private static final Refusal DRAINING = new Refusal(503, "shutting_down", "shutting down");

    private final Map<String, Route> routes;
    private final ServerLimits limits;
    private final AgentMetrics metrics;
    private final BearerAuth auth;
    private final ThreadPoolExecutor ingest;
    private final ExecutorService ops;
    private final InflightBudget budget;
    final AtomicInteger inFlight = new AtomicInteger();
    volatile boolean draining;

    Serving(Map<String, Route> routes, ServerLimits limits, AgentMetrics metrics, BearerAuth auth, ThreadPoolExecutor ingest,
            ExecutorService ops) {
        this.routes = routes;
        this.limits = limits;
        this.metrics = metrics;
        this.auth = auth;
        this.ingest = ingest;
        this.ops = ops;
        this.budget = new InflightBudget(limits.maxInflightBytes(), limits.inflightWait().toMillis());
    }

    Route route(String path) {
        return routes.get(path);
    }

    ServerLimits limits() {
        return limits;
    }

    InflightBudget budget() {
        return budget;
    }

    boolean queueHasRoom() {
        return ingest.getQueue().remainingCapacity() > 0;
    }

    /** What the headers alone decide: unknown path, shutting down, wrong method for ops, missing token. */
    Refusal refusal(Route route, HttpRequest r) {
        if (route == null) return new Refusal(404, null, "not found: " + r.uri().split("\\?", 2)[0]);
        if (draining) return DRAINING;
        if (!route.ingest() && !r.method().equals(HttpMethod.GET) && !r.method().equals(HttpMethod.HEAD)) {
            return new Refusal(405, "wrong_method", "use GET");
        }
        if (route.ingest() && !auth.allows(r.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            metrics.rejected(route.name(), "unauthorized");
            return new Refusal(401, "unauthorized", "missing or wrong bearer token");
        }
        return null;
    }

    void rejected(Route route, String reason) {
        if (route != null) metrics.rejected(route.name(), reason);
    }

    void continue100(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }

    /** Runs the endpoint on its pool; a full pool is a 503 at once. */
    void serve(ChannelHandlerContext ctx, RequestReader reader, Route route, Exchange ex, boolean keepAlive) {
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        try {
            (route.ingest() ? ingest : ops).execute(() -> {
                try {
                    run(route, ex);
                } finally {
                    ex.releaseCharges(); // what the endpoint decoded is garbage now; the body goes when the answer is written
                    ctx.executor().execute(() -> send(ctx, reader, route, ex, keepAlive, start));
                }
            });
        } catch (RejectedExecutionException e) {
            metrics.rejected(route.name(), "overloaded");
            refusalInto(ex, OVERLOADED);
            send(ctx, reader, route, ex, keepAlive, start);
        }
    }

    private void run(Route route, Exchange ex) {
        try {
            route.endpoint().handle(ex);
        } catch (HttpException e) {
            metrics.rejected(route.name(), e.reason());
            refusalInto(ex, new Refusal(e.status(), e.reason(), e.getMessage()));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "request to " + route.path() + " failed", e);
            refusalInto(ex, new Refusal(500, null, "internal error: " + e.getMessage()));
        } catch (InternalError e) {
            // a fault in the journal's memory-mapped file (a full disk), which the JVM may report a
            // little after the write that caused it: answer 503 rather than let the worker die silently
            LOG.log(Level.WARNING, "request to " + route.path() + " hit a memory-mapped journal fault", e);
            refusalInto(ex, new Refusal(503, "journal_unavailable", "journal_unavailable: could not write the journal (disk full?)"));
        } catch (Throwable e) {
            // any other Error (a native library, a stack overflow): the client still gets an answer, never a silent hang.
            // OutOfMemoryError ends the process first where the launcher passes -XX:+ExitOnOutOfMemoryError.
            LOG.log(Level.SEVERE, "request to " + route.path() + " failed with " + e, e);
            metrics.rejected(route.name(), "internal_error");
            refusalInto(ex, new Refusal(500, "internal_error", "internal error: " + e));
        }
    }

    private static void refusalInto(Exchange ex, Refusal r) {
        if (r.status() == 429 || r.status() == 503) ex.responseHeader("Retry-After", "5");
        if (r.status() == 401) ex.responseHeader("WWW-Authenticate", "Bearer");
        if (r.status() == 405 && !ex.responseHeaders().contains("Allow")) ex.responseHeader("Allow", "GET, HEAD");
        Responses.text(ex, r.status(), r.message());
    }

    private void send(ChannelHandlerContext ctx, RequestReader reader, Route route, Exchange ex, boolean keepAlive, long start) {
        boolean open = keepAlive && !draining;
        FullHttpResponse resp = response(ex, RequestReader.isHead(ex.request()), open);
        metrics.request(route.name(), ex.status(), System.nanoTime() - start);
        inFlight.decrementAndGet();
        ctx.writeAndFlush(resp).addListener(f -> reader.answered(ctx, f.isSuccess() && open));
    }

    /** Answers a refusal decided from the headers; the connection stays open when {@code keepAlive}. */
    void answer(ChannelHandlerContext ctx, Route route, HttpRequest r, Refusal refusal, boolean keepAlive) {
        Exchange ex = new Exchange(r, "", new byte[0], null);
        refusalInto(ex, refusal);
        if (route != null) metrics.request(route.name(), refusal.status(), 0);
        boolean open = keepAlive && !draining;
        ctx.writeAndFlush(response(ex, RequestReader.isHead(r), open)).addListener(f -> {
            if (!f.isSuccess() || !open) ctx.close();
        });
    }

    /**
     * Answers and stops reading the request. The write side is shut first and the connection closed a moment later,
     * so the client reads the answer instead of a reset for the bytes it is still sending (nginx's lingering close).
     */
    void answerAndClose(ChannelHandlerContext ctx, Route route, HttpRequest r, Refusal refusal) {
        Exchange ex = new Exchange(r, "", new byte[0], null);
        refusalInto(ex, refusal);
        if (route != null) metrics.request(route.name(), refusal.status(), 0);
        ctx.writeAndFlush(response(ex, RequestReader.isHead(r), false)).addListener(f -> {
            if (f.isSuccess() && ctx.channel() instanceof SocketChannel ch && ctx.pipeline().get(SslHandler.class) == null) {
                ch.shutdownOutput();
                ctx.executor().schedule(() -> ctx.close(), 2, TimeUnit.SECONDS);
            } else {
                ctx.close();
            }
        });
    }

    private static FullHttpResponse response(Exchange ex, boolean head, boolean keepAlive) {
        byte[] body = ex.responseBody();
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(ex.status()),
                head || body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        resp.headers().set(ex.responseHeaders());
        if (ex.status() != 204) resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (!keepAlive) resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return resp;
    }

    /** A connection failed under us: a client's doing (reset, bad TLS) is one rate-limited line; anything else is ours. */
    void connectionFailed(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root instanceof IOException || root instanceof SSLException) {
            ClientErrors.log(ctx.channel().remoteAddress() + ": " + root.getClass().getSimpleName() + ": " + root.getMessage());
        } else {
            LOG.log(Level.WARNING, "connection from " + ctx.channel().remoteAddress() + " failed", cause);
        }
    }
}
