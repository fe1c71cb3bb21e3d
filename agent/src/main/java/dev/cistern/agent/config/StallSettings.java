package dev.cistern.agent.config;

import java.time.Duration;

/** Checks {@code spool.stall_timeout}, the stall watch's limit (see docs/operations.md, "Supervision"). */
public final class StallSettings {
    private StallSettings() {}

    /** {@code spool.stall_timeout}: 1s-1h; the ConfigException names the key. */
    public static Duration stallTimeout(AgentConfig.Spool s) {
        return Sizes.durationBetween("spool.stall_timeout", s.stallTimeout, Duration.ofSeconds(1), Duration.ofHours(1), "1s-1h");
    }
}
