package dev.cistern.agent.config;

import dev.cistern.spool.Codec;
import dev.cistern.spool.CodecSettings;
import dev.cistern.spool.StreamName;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads {@code routing.streams}: each listed stream's codec, level and window, checked against the codec's ranges. */
final class StreamCodecs {
    private StreamCodecs() {}

    static Map<String, CodecSettings> of(AgentConfig c) {
        Map<String, CodecSettings> out = new LinkedHashMap<>();
        if (c.routing.streams == null) return out;
        CodecSettings brotli = CodecSettings.brotli(QualitySettings.of(c.spool).fixed(), c.spool.window);
        for (Map.Entry<String, AgentConfig.StreamSettings> e : c.routing.streams.entrySet()) {
            String key = "routing.streams." + e.getKey();
            if (!StreamName.isValid(e.getKey())) {
                throw new ConfigException(key, "'" + e.getKey() + "' is not a stream name"
                        + " (lowercase letters, digits, '-', '_'; at most 64)");
            }
            AgentConfig.StreamSettings s = e.getValue() == null ? new AgentConfig.StreamSettings() : e.getValue();
            Codec codec = Codec.ofConfigName(s.codec);
            if (codec == null) {
                throw new ConfigException(key + ".codec", "'" + s.codec + "' is not a codec; use one of "
                        + Arrays.stream(Codec.values()).map(Codec::configName).toList());
            }
            try {
                out.put(e.getKey(), CodecSettings.of(codec, s.level, s.window, brotli));
            } catch (IllegalArgumentException bad) {
                // the message starts with the knob: "level: zstd level must be 1-22, was 40"
                String msg = bad.getMessage();
                int colon = msg.indexOf(": ");
                throw new ConfigException(key + "." + msg.substring(0, colon), msg.substring(colon + 2));
            }
        }
        return out;
    }

    /** The listed streams that set their level (kept when the others adapt). */
    static Set<String> fixedLevels(AgentConfig c) {
        Set<String> out = new TreeSet<>();
        if (c.routing.streams == null) return out;
        c.routing.streams.forEach((s, v) -> {
            if (v != null && v.level != null) out.add(s);
        });
        return out;
    }
}
