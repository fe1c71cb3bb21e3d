package dev.cistern.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What differs between the configuration in force and one just read, sorted into keys that change live and keys
 * that need a restart. A reload applies the first and leaves the second as they were: {@link #applied} is the
 * running configuration with only the live keys taken from the new one, so the next reload reports the same
 * restart-only keys again until the agent restarts.
 */
public record ConfigChange(List<String> live, List<String> restart, ResolvedConfig applied) {
    /**
     * Keys read afresh for every request, journal entry or retention pass, so a new value takes effect at once and
     * safely. Any other key (a new one too, until it is listed here) needs a restart: see docs/operations.md.
     */
    static final Set<String> LIVE_KEYS = Set.of(
            "ingest.remote_write.invalid_series", "ingest.remote_write.stale_markers", "ingest.remote_write.max_age",
            "ingest.remote_write.max_future", "ingest.remote_write.out_of_window", "ingest.remote_write.exemplars",
            "ingest.remote_write.metadata", "ingest.ndjson.max_depth", "ingest.ndjson.max_streams",
            "journal.max_lag_bytes", "journal.pace_above_bytes",
            "retention.max_age", "retention.uploaded_max_age", "retention.max_total_bytes", "retention.min_free_bytes",
            "retention.min_free_percent", "retention.overflow", "shutdown.drain_timeout",
            "routing.default_stream", "routing.rules", "ingest.static_labels");
    /** A static label is a key of its own ({@code ingest.static_labels.dc}). */
    private static final String STATIC_LABEL = "ingest.static_labels.";

    private static final ObjectMapper JSON = new ObjectMapper();

    public ConfigChange {
        live = List.copyOf(live);
        restart = List.copyOf(restart);
    }

    /** Compares the running configuration with a newly loaded (and validated) one. */
    public static ConfigChange between(ResolvedConfig running, ResolvedConfig loaded) {
        ObjectNode from = tree(running.raw());
        ObjectNode to = tree(loaded.raw());
        List<String> live = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        for (String key : changedKeys(from, to)) (isLive(key) ? live : restart).add(key);
        if (live.isEmpty()) return new ConfigChange(live, restart, running);
        ObjectNode merged = from.deepCopy();
        for (String key : live) copy(to, merged, key);
        return new ConfigChange(live, restart, ResolvedConfig.of(config(merged)));
    }

    /** Whether a key (dotted, as docs/operations.md names it) changes without a restart. */
    public static boolean isLive(String key) {
        return LIVE_KEYS.contains(key) || key.startsWith(STATIC_LABEL);
    }

    /** The routing rules or static labels change: the applier seals what is open before it switches (a restart's boundary). */
    public boolean routing() {
        return live.stream().anyMatch(k -> k.startsWith("routing.") || k.startsWith("ingest.static_labels"));
    }

    /** Nothing differs. */
    public boolean none() {
        return live.isEmpty() && restart.isEmpty();
    }

    /**
     * Dotted keys whose values differ, sorted. Mappings are compared key by key ({@code ingest.static_labels.dc});
     * a list is one value ({@code routing.rules}).
     */
    static List<String> changedKeys(JsonNode from, JsonNode to) {
        Set<String> out = new TreeSet<>();
        diff(from, to, "", out);
        return List.copyOf(out);
    }

    private static void diff(JsonNode a, JsonNode b, String prefix, Set<String> out) {
        if (a != null && b != null && a.isObject() && b.isObject()) {
            Set<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String n : names) diff(a.get(n), b.get(n), prefix.isEmpty() ? n : prefix + "." + n, out);
        } else if (a == null || b == null || !a.equals(b)) {
            out.add(prefix.isEmpty() ? "(root)" : prefix);
        }
    }

    private static void copy(ObjectNode from, ObjectNode into, String dottedKey) {
        String[] parts = dottedKey.split("\\.");
        JsonNode src = from;
        ObjectNode dst = into;
        for (int i = 0; i < parts.length - 1; i++) {
            src = src == null ? null : src.get(parts[i]);
            dst = dst.get(parts[i]) instanceof ObjectNode o ? o : dst.putObject(parts[i]);
        }
        JsonNode value = src == null ? null : src.get(parts[parts.length - 1]);
        if (value == null) dst.remove(parts[parts.length - 1]); // a static label the new file no longer has
        else dst.set(parts[parts.length - 1], value);
    }

    static ObjectNode tree(AgentConfig c) {
        return JSON.valueToTree(c);
    }

    private static AgentConfig config(ObjectNode tree) {
        try {
            return JSON.treeToValue(tree, AgentConfig.class);
        } catch (JsonProcessingException e) { // both halves were read from valid configurations
            throw new IllegalStateException("cannot rebuild the merged configuration", e);
        }
    }

    /** For log lines and answers: {@code a, b} or {@code none}. */
    public static String list(List<String> keys) {
        return keys.isEmpty() ? "none" : String.join(", ", keys);
    }
}
