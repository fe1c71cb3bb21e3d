package dev.cistern.agent.config;

import dev.cistern.agent.remotewrite.KeptKinds;
import dev.cistern.agent.remotewrite.RemoteWriteRules;
import java.time.Duration;
import java.util.Locale;

/** The {@code ingest.remote_write} keys, checked and parsed: every problem is a {@link ConfigException} naming its key. */
final class RemoteWriteSettings {
    private RemoteWriteSettings() {}

    static RemoteWriteRules rules(AgentConfig.RemoteWrite r) {
        boolean dropInvalid = choice("ingest.remote_write.invalid_series", r.invalidSeries, "reject", "drop");
        boolean dropStale = choice("ingest.remote_write.stale_markers", r.staleMarkers, "keep", "drop");
        boolean dropOutOfWindow = choice("ingest.remote_write.out_of_window", r.outOfWindow, "reject", "drop");
        Duration maxAge = Sizes.duration("ingest.remote_write.max_age", r.maxAge);
        Duration maxFuture = Sizes.duration("ingest.remote_write.max_future", r.maxFuture);
        if (maxAge.isZero() || maxAge.toDays() > 36_500) throw new ConfigException("ingest.remote_write.max_age", "must be 1ms-36500d");
        if (maxFuture.toDays() > 36_500) throw new ConfigException("ingest.remote_write.max_future", "must be at most 36500d");
        kept(r); // checked with the rest
        return new RemoteWriteRules(dropInvalid, dropStale, maxAge, maxFuture, dropOutOfWindow);
    }

    static KeptKinds kept(AgentConfig.RemoteWrite r) {
        return new KeptKinds(!choice("ingest.remote_write.exemplars", r.exemplars, "keep", "drop"),
                !choice("ingest.remote_write.metadata", r.metadata, "keep", "drop"));
    }

    /** False for {@code first}, true for {@code second}; anything else names the key. */
    private static boolean choice(String key, String value, String first, String second) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (!v.equals(first) && !v.equals(second)) {
            throw new ConfigException(key, "must be " + first + " or " + second + ", was '" + value + "'");
        }
        return v.equals(second);
    }
}
