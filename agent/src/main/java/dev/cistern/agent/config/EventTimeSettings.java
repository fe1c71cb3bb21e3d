package dev.cistern.agent.config;

import dev.cistern.agent.ndjson.EventTime;
import dev.cistern.agent.ndjson.EventTimeFormat;
import dev.cistern.agent.ndjson.EventTimes;
import dev.cistern.spool.StreamName;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code ingest.ndjson.event_time} and {@code ingest.ndjson.streams.NAME.event_time}, checked. */
final class EventTimeSettings {
    private static final String KEY = "ingest.ndjson.";

    private EventTimeSettings() {}

    static EventTimes of(AgentConfig.Ndjson n) {
        AgentConfig.EventTime base = n.eventTime == null ? new AgentConfig.EventTime() : n.eventTime;
        EventTime others = resolve(KEY + "event_time", base, EventTime.DEFAULT);
        Map<String, EventTime> streams = new LinkedHashMap<>();
        if (n.streams != null) {
            n.streams.forEach((name, s) -> {
                String key = KEY + "streams." + name;
                if (!StreamName.isValid(name)) {
                    throw new ConfigException(key, "'" + name + "' is not a stream name (lowercase letters, digits, '-', '_'; at most 64)");
                }
                AgentConfig.EventTime own = s == null || s.eventTime == null ? new AgentConfig.EventTime() : s.eventTime;
                streams.put(name, resolve(key + ".event_time", own, others));
            });
        }
        return new EventTimes(others, streams);
    }

    /** {@code e}'s keys, each one left out taken from {@code inherited}. */
    private static EventTime resolve(String key, AgentConfig.EventTime e, EventTime inherited) {
        String field = e.field == null ? inherited.field() : e.field;
        if (field.isEmpty()) throw new ConfigException(key + ".field", "must name a top-level field, e.g. ts or \"@timestamp\"");
        EventTimeFormat format = e.format == null ? inherited.format() : EventTimeFormat.named(e.format.strip());
        if (format == null) {
            throw new ConfigException(key + ".format", "'" + e.format + "' is not one of "
                    + Arrays.stream(EventTimeFormat.values()).map(EventTimeFormat::configName).toList());
        }
        EventTime.OnUnparsable policy = e.onUnparsable == null ? inherited.onUnparsable()
                : EventTime.OnUnparsable.named(e.onUnparsable.strip());
        if (policy == null) {
            throw new ConfigException(key + ".on_unparsable", "'" + e.onUnparsable
                    + "' is not arrival (store the row under its arrival time) or reject (refuse its request with 400)");
        }
        return new EventTime(field, format, policy);
    }
}
