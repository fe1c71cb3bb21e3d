package dev.cistern.agent.config;

import java.time.Duration;

/** Checks the {@code shutdown} section. */
public final class ShutdownSettings {
    private ShutdownSettings() {}

    /** {@code shutdown.drain_timeout}: 1s-1h; the ConfigException names the key. */
    public static Duration drainTimeout(AgentConfig.Shutdown s) {
        return Sizes.durationBetween("shutdown.drain_timeout", s.drainTimeout, Duration.ofSeconds(1), Duration.ofHours(1), "1s-1h");
    }
}
