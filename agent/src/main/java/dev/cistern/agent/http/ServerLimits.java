package dev.cistern.agent.http;

import java.time.Duration;

/**
 * What the HTTP front lets one client, and all of them together, hold: connections, time to send headers
 * and a body, bytes buffered, and work queued. See docs/operations.md ("server" settings).
 *
 * @param maxConnections   open connections at once; more are accepted and closed at once
 * @param headerTimeout    time from the first byte (or from connecting) to the end of the request headers
 * @param idleTimeout      time a kept-alive connection may wait for its next request
 * @param bodyGrace        time a body may take before the rate floor applies
 * @param bodyMinRate      bytes a second a body must average after the grace period
 * @param maxInflightBytes request bytes held at once across all connections: bodies and what endpoints decode from
 *                         them ({@link Exchange#charge}); more is a 503, a request that alone needs more is a 413
 * @param inflightWait     how long an endpoint's charge waits for room in that budget before the 503
 * @param maxBodyBytes     a body over this (by Content-Length or as it arrives) is a 413
 * @param threads          workers that run ingest endpoints (journal appends, decoding)
 * @param queue            ingest requests waiting for a worker; more is a 503
 * @param transport        Netty's transport for the event loops (epoll where it loads, by default)
 */
public record ServerLimits(int maxConnections, Duration headerTimeout, Duration idleTimeout, Duration bodyGrace,
                           long bodyMinRate, long maxInflightBytes, Duration inflightWait, long maxBodyBytes, int threads,
                           int queue, Transport transport) {

    /** Limits for tests and tools: everything generous but bounded. */
    public static ServerLimits defaults(long maxBodyBytes, int threads) {
        return new ServerLimits(1024, Duration.ofSeconds(10), Duration.ofSeconds(120), Duration.ofSeconds(10), 16 << 10,
                Math.max(maxBodyBytes, Runtime.getRuntime().maxMemory() / 6), Duration.ofSeconds(2), maxBodyBytes, threads, 1024,
                Transport.AUTO);
    }

    /** These limits on another transport (the admin listener runs on the main one's). */
    public ServerLimits on(Transport t) {
        return new ServerLimits(maxConnections, headerTimeout, idleTimeout, bodyGrace, bodyMinRate, maxInflightBytes, inflightWait,
                maxBodyBytes, threads, queue, t);
    }
}
