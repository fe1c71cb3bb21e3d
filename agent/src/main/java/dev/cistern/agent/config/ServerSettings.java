package dev.cistern.agent.config;

import dev.cistern.agent.http.ServerLimits;
import dev.cistern.agent.http.Transport;
import java.time.Duration;
import java.util.logging.Logger;

/** Checks the {@code server} section and turns it into the HTTP front's {@link ServerLimits}. */
final class ServerSettings {
    private static final Logger LOG = Logger.getLogger(ServerSettings.class.getName());

    private ServerSettings() {}

    static ServerLimits of(AgentConfig.Server s, long maxBodyBytes, int threads) {
        if (s.maxConnections < 1 || s.maxConnections > 1_000_000) {
            throw new ConfigException("server.max_connections", "must be 1-1000000, was " + s.maxConnections);
        }
        Duration header = positive("server.header_timeout", s.headerTimeout);
        Duration idle = positive("server.idle_timeout", s.idleTimeout);
        Duration grace = Sizes.duration("server.body_grace", s.bodyGrace);
        long rate = Sizes.bytes("server.body_min_rate", s.bodyMinRate);
        if (rate < 1) throw new ConfigException("server.body_min_rate", "must be at least 1 byte a second");
        long inflight;
        long bodyLimit = maxBodyBytes;
        if (s.maxInflightBytes == null || s.maxInflightBytes.isBlank()) {
            long heap = Runtime.getRuntime().maxMemory();
            inflight = Math.max(1 << 20, heap / 6 >> 20 << 20); // see docs/operations.md, "Memory"
            if (maxBodyBytes > inflight) {
                // not raised to the body limit: the heap's other tenants (hand-off, series caches) need the rest (measured at -Xmx64m)
                bodyLimit = inflight;
                LOG.warning("ingest.max_body_bytes (" + maxBodyBytes + ") is over the in-flight budget, a sixth of the " + (heap >> 20)
                        + " MiB heap (" + inflight + "): bodies over " + inflight + " bytes are refused (413). Raise -Xmx in"
                        + " JAVA_OPTS, lower ingest.max_body_bytes, or set server.max_inflight_bytes (at most half the heap)");
            }
            // written back so --print-config shows what is in force
            s.maxInflightBytes = inflight % (1 << 20) == 0 ? (inflight >> 20) + "MiB" : Long.toString(inflight);
        } else {
            inflight = Sizes.bytes("server.max_inflight_bytes", s.maxInflightBytes);
            long heap = Runtime.getRuntime().maxMemory();
            if (inflight > heap / 2) {
                throw new ConfigException("server.max_inflight_bytes", "must be at most half the heap (" + (heap >> 20)
                        + " MiB, set by -Xmx in JAVA_OPTS), or decoding requests could exhaust it; was " + inflight);
            }
        }
        if (inflight < bodyLimit) {
            throw new ConfigException("server.max_inflight_bytes", "must be at least ingest.max_body_bytes (" + maxBodyBytes
                    + "), or one request could never be taken");
        }
        Duration wait = Sizes.duration("server.inflight_wait", s.inflightWait);
        if (s.maxQueuedRequests < 1 || s.maxQueuedRequests > 1_000_000) {
            throw new ConfigException("server.max_queued_requests", "must be 1-1000000, was " + s.maxQueuedRequests);
        }
        return new ServerLimits(s.maxConnections, header, idle, grace, rate, inflight, wait, bodyLimit, threads,
                s.maxQueuedRequests, transport(s.transport));
    }

    private static Transport transport(String value) {
        Transport t = value == null ? null : Transport.named(value);
        if (t == null) throw new ConfigException("server.transport", "must be auto, epoll or nio, was " + value);
        String unavailable = t == Transport.EPOLL ? Transport.epollUnavailable() : null;
        if (unavailable != null) {
            throw new ConfigException("server.transport", "epoll does not load here (" + unavailable + "); set auto"
                    + " (epoll where it loads, else nio) or nio. Its native library ships for Linux x86_64 and aarch64 and is"
                    + " unpacked into io.netty.native.workdir (else java.io.tmpdir), which must allow executing files");
        }
        return t;
    }

    private static Duration positive(String key, String value) {
        Duration d = Sizes.duration(key, value);
        if (d.isZero()) throw new ConfigException(key, "must be more than 0");
        return d;
    }
}
