package dev.cistern.agent.reload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cistern.agent.config.ConfigChange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a reload went: refused (the error, naming the key or file:line:column), or taken, with the keys that changed
 * live and those that need a restart and were left as they were.
 */
public record ReloadResult(boolean success, List<String> live, List<String> restart, String error) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ReloadResult taken(ConfigChange change) {
        return new ReloadResult(true, change.live(), change.restart(), null);
    }

    static ReloadResult refused(String error) {
        return new ReloadResult(false, List.of(), List.of(), error);
    }

    /** One line for the log and the answer's {@code message}. */
    public String summary() {
        if (!success) return "refused, the running config stays: " + error;
        if (live.isEmpty() && restart.isEmpty()) return "no changes";
        String s = "changed live: " + ConfigChange.list(live);
        return restart.isEmpty() ? s : s + "; needs a restart: " + ConfigChange.list(restart) + " (left as they were)";
    }

    /** The answer to {@code POST /-/reload} (shape in docs/operations.md). */
    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", success ? "success" : "failure");
        if (success) {
            m.put("changed", live);
            m.put("needs_restart", restart);
        } else {
            m.put("error", error);
        }
        m.put("message", summary());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
