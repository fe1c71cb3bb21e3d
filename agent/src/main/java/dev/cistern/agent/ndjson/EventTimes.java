package dev.cistern.agent.ndjson;

import java.util.Map;
import java.util.Set;

/** Each NDJSON stream's {@link EventTime}: its own when configured, else the one for every other stream. */
public final class EventTimes {
    public static final EventTimes DEFAULT = new EventTimes(EventTime.DEFAULT, Map.of());

    private final EventTime others;
    private final Map<String, EventTime> streams;

    public EventTimes(EventTime others, Map<String, EventTime> streams) {
        this.others = others;
        this.streams = Map.copyOf(streams);
    }

    public EventTime of(String stream) {
        return streams.getOrDefault(stream, others);
    }

    /** The streams configured by name. */
    public Set<String> streams() {
        return streams.keySet();
    }

    /** For streams not configured by name. */
    public EventTime others() {
        return others;
    }
}
