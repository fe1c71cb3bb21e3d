package dev.cistern.agent.config;

import dev.cistern.agent.ndjson.StreamAdmission;
import java.util.Set;
import java.util.TreeSet;

/** {@code ingest.ndjson.max_streams}, checked, with the stream names the configuration names itself. */
final class NdjsonStreamSettings {
    static final int MAX = 10_000;

    private NdjsonStreamSettings() {}

    static StreamAdmission.Limit of(AgentConfig c) {
        int max = c.ingest.ndjson.maxStreams;
        if (max < 0 || max > MAX) {
            throw new ConfigException("ingest.ndjson.max_streams", "must be 0-" + MAX + " (stream names clients may add), was " + max);
        }
        Set<String> named = new TreeSet<>();
        if (c.routing.defaultStream != null && !c.routing.defaultStream.isBlank()) named.add(c.routing.defaultStream.strip());
        if (c.routing.rules != null) c.routing.rules.forEach(r -> { if (r.stream != null) named.add(r.stream.strip()); });
        if (c.routing.streams != null) named.addAll(c.routing.streams.keySet());
        if (c.ingest.ndjson.streams != null) named.addAll(c.ingest.ndjson.streams.keySet());
        return new StreamAdmission.Limit(max, named);
    }
}
