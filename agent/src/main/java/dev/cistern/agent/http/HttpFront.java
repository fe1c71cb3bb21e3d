package dev.cistern.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.cistern.agent.metrics.AgentMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * The HTTP front: routes requests to {@link Endpoint}s, enforces auth, and turns
 * {@link HttpException}s into short plain-text answers. Every request is counted.
 */
public final class HttpFront implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HttpFront.class.getName());

    /** One HTTP endpoint; returns the status it answered. */
    public interface Endpoint {
        int handle(HttpExchange ex) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final AgentMetrics metrics;
    private final BearerAuth auth;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    public HttpFront(InetSocketAddress listen, SSLContext tls, int threads, AgentMetrics metrics, BearerAuth auth)
            throws IOException {
        this.metrics = metrics;
        this.auth = auth;
        if (tls != null) {
            HttpsServer https = HttpsServer.create(listen, 256);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        } else {
            server = HttpServer.create(listen, 256);
        }
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "cistern-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        server.setExecutor(pool);
    }

    /** Adds an endpoint at an exact path; {@code protectedByAuth} endpoints need the bearer token. */
    public void route(String path, String name, boolean protectedByAuth, Endpoint endpoint) {
        server.createContext(path, ex -> serve(ex, path, name, protectedByAuth, endpoint));
    }

    private void serve(HttpExchange ex, String path, String name, boolean protectedByAuth, Endpoint endpoint) {
        long start = System.nanoTime();
        int status;
        inFlight.incrementAndGet();
        try (ex) {
            if (draining) {
                ex.getResponseHeaders().set("Retry-After", "5");
                status = refuse(ex, 503, "shutting down");
            } else if (!ex.getRequestURI().getPath().equals(path)) {
                status = Responses.text(ex, 404, "not found: " + ex.getRequestURI().getPath());
            } else if (protectedByAuth && !auth.allows(ex)) {
                metrics.rejected(name, "unauthorized");
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                status = refuse(ex, 401, "missing or wrong bearer token");
            } else {
                try {
                    status = endpoint.handle(ex);
                } catch (HttpException e) {
                    metrics.rejected(name, e.reason());
                    if (e.status() == 429 || e.status() == 503) ex.getResponseHeaders().set("Retry-After", "5");
                    status = refuse(ex, e.status(), e.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "request to " + path + " failed", e);
            status = 500;
            try {
                Responses.text(ex, 500, "internal error: " + e.getMessage());
            } catch (IOException | RuntimeException ignored) {
                // the response was already under way
            }
        } catch (InternalError e) {
            // a fault in the journal's memory-mapped file (a full disk), which the JVM may report a
            // little after the write that caused it: answer 503 rather than let the worker die silently
            LOG.log(Level.WARNING, "request to " + path + " hit a memory-mapped journal fault", e);
            status = 503;
            try {
                ex.getResponseHeaders().set("Retry-After", "5");
                Responses.text(ex, 503, "journal_unavailable: could not write the journal (disk full?)");
            } catch (IOException | RuntimeException ignored) {
                // the response was already under way
            }
        } finally {
            inFlight.decrementAndGet();
        }
        metrics.request(name, status, System.nanoTime() - start);
    }

    /**
     * Answers a refusal after reading what is left of the body: the client may still be sending it,
     * and closing the connection under it would reset it before the answer is read.
     */
    private static int refuse(HttpExchange ex, int status, String message) throws IOException {
        RequestBody.drain(ex, 64L << 20);
        return Responses.text(ex, status, message);
    }

    public void start() {
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops accepting, lets in-flight requests finish (up to the grace period), then stops. */
    @Override
    public void close() {
        draining = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(0);
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
