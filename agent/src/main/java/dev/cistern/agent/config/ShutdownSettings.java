package dev.cistern.agent.config;

import java.time.Duration;

/** Checks the {@code shutdown} section. */
public final class ShutdownSettings {
    private ShutdownSettings() {}

    /** {@code shutdown.drain_timeout}: 1s-1h; the ConfigException names the key. */
    public static Duration drainTimeout(AgentConfig.Shutdown s) {
        Duration d = Sizes.duration("shutdown.drain_timeout", s.drainTimeout);
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException("shutdown.drain_timeout", "must be 1s-1h, was '" + s.drainTimeout + "'");
        }
        return d;
    }
}
