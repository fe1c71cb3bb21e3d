package dev.cistern.agent.routing;

import dev.cistern.spool.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides which streams a metric row goes to: rules in order (name exact, prefix or regex, and
 * label equality; all given conditions must hold), a row may match several; a final rule stops
 * the search; unmatched rows go to the default stream, or are dropped when there is none.
 */
public final class Router {
    /** A route is a {@code long} bitmask, one bit per stream. */
    public static final int MAX_STREAMS = Long.SIZE;

    private final List<RouteRule> rules;
    private final String defaultStream;
    private final List<String> streams;

    /** Throws {@link IllegalArgumentException} when the rules and default name more than {@link #MAX_STREAMS} streams. */
    public Router(List<RouteRule> rules, String defaultStream) {
        this.rules = List.copyOf(rules);
        this.defaultStream = defaultStream;
        this.streams = streams(rules, defaultStream);
        if (streams.size() > MAX_STREAMS) {
            throw new IllegalArgumentException("routing names " + streams.size() + " streams; at most " + MAX_STREAMS);
        }
    }

    /** Every stream the rules and the default name, in order of first mention: a route's bit i is stream i. */
    public static List<String> streams(List<RouteRule> rules, String defaultStream) {
        List<String> streams = new ArrayList<>();
        for (RouteRule r : rules) if (!streams.contains(r.stream())) streams.add(r.stream());
        if (defaultStream != null && !streams.contains(defaultStream)) streams.add(defaultStream);
        return List.copyOf(streams);
    }

    /** Every stream a row can be routed to; a route is an index into this list. */
    public List<String> streams() {
        return streams;
    }

    /** Bit i set means stream i; 0 means dropped. */
    public long route(String name, Labels labels) {
        long mask = 0;
        for (RouteRule r : rules) {
            if (matches(r, name, labels)) {
                mask |= 1L << streams.indexOf(r.stream());
                if (r.isFinal()) return mask;
            }
        }
        if (mask == 0 && defaultStream != null) mask = 1L << streams.indexOf(defaultStream);
        return mask;
    }

    private static boolean matches(RouteRule r, String name, Labels labels) {
        if (r.name() != null && !r.name().equals(name)) return false;
        if (r.namePrefix() != null && !name.startsWith(r.namePrefix())) return false;
        if (r.nameRegex() != null && !r.nameRegex().matcher(name).matches()) return false;
        for (Map.Entry<String, String> e : r.labels().entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) return false;
        }
        return true;
    }
}
