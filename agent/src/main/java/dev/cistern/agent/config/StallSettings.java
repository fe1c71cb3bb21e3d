package dev.cistern.agent.config;

import java.time.Duration;

/** Checks {@code spool.stall_timeout}, the stall watch's limit (see docs/operations.md, "Supervision"). */
public final class StallSettings {
    private StallSettings() {}

    /** {@code spool.stall_timeout}: 1s-1h; the ConfigException names the key. */
    public static Duration stallTimeout(AgentConfig.Spool s) {
        Duration d = Sizes.duration("spool.stall_timeout", s.stallTimeout);
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException("spool.stall_timeout", "must be 1s-1h, was '" + s.stallTimeout + "'");
        }
        return d;
    }
}
