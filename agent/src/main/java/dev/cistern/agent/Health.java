package dev.cistern.agent;

import dev.cistern.agent.http.Exchange;
import dev.cistern.agent.http.Responses;
import dev.cistern.agent.metrics.AgentMetrics;
import dev.cistern.agent.supervise.Supervisor;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The ops endpoints. {@code /metrics}: the Prometheus text. {@code /healthz} and {@code /readyz}: 503 naming the cause
 * while a supervised thread cannot seal (the agent then
 * refuses ingest too), so a liveness probe restarts it; {@code /readyz} is also 503 before the agent listens and while it stops.
 */
final class Health {
    private final Supervisor supervisor;
    private final BooleanSupplier ready;
    private final AgentMetrics registry;

    Health(Supervisor supervisor, BooleanSupplier ready, AgentMetrics registry) {
        this.supervisor = supervisor;
        this.ready = ready;
        this.registry = registry;
    }

    int metrics(Exchange ex) {
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        return Responses.bytes(ex, 200, body, "text/plain; version=0.0.4; charset=utf-8");
    }

    int healthz(Exchange ex) {
        String cause = supervisor.cause();
        if (cause != null) return notSealing(ex, cause);
        return Responses.text(ex, 200, "ok");
    }

    int readyz(Exchange ex) {
        String cause = supervisor.cause();
        if (cause != null) return notSealing(ex, cause);
        return ready.getAsBoolean() ? Responses.text(ex, 200, "ready") : Responses.text(ex, 503, "not ready");
    }

    private static int notSealing(Exchange ex, String cause) {
        ex.responseHeader("Retry-After", "30");
        return Responses.text(ex, 503, "not sealing, not acknowledging: " + cause);
    }
}
