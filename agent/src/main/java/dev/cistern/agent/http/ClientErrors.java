package dev.cistern.agent.http;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * One log line, without a stack trace, for things a client caused (aborts, timeouts, malformed requests,
 * failed handshakes), at most one every ten seconds: a hostile client must not be able to fill the log.
 */
final class ClientErrors {
    private static final Logger LOG = Logger.getLogger(HttpFront.class.getName());
    private static final long EVERY_NANOS = 10_000_000_000L;
    private static final AtomicLong NEXT = new AtomicLong(System.nanoTime());
    private static final AtomicLong SUPPRESSED = new AtomicLong();

    private ClientErrors() {}

    static void log(String what) {
        long now = System.nanoTime();
        long next = NEXT.get();
        if (now - next < 0 || !NEXT.compareAndSet(next, now + EVERY_NANOS)) {
            SUPPRESSED.incrementAndGet();
            return;
        }
        long more = SUPPRESSED.getAndSet(0);
        LOG.info("client error: " + what + (more > 0 ? " (and " + more + " more in the last period)" : ""));
    }
}
