package dev.cistern.agent;

import dev.cistern.agent.http.Exchange;
import dev.cistern.agent.http.Responses;
import dev.cistern.agent.supervise.Supervisor;
import java.util.function.BooleanSupplier;

/**
 * {@code /healthz} and {@code /readyz}: 503 naming the cause while a supervised thread cannot seal (the agent then
 * refuses ingest too), so a liveness probe restarts it; {@code /readyz} is also 503 before the agent listens and while it stops.
 */
final class Health {
    private final Supervisor supervisor;
    private final BooleanSupplier ready;

    Health(Supervisor supervisor, BooleanSupplier ready) {
        this.supervisor = supervisor;
        this.ready = ready;
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
