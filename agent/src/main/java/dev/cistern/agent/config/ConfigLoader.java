package dev.cistern.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Reads the agent configuration: embedded defaults, then the YAML file, then environment variables
 * ({@code CISTERN_<KEY>}, nested keys joined by {@code __}: {@code CISTERN_SPOOL__QUALITY=5},
 * {@code CISTERN_DATA_DIR=/var/lib/cistern}), then command-line flags. Unknown keys and bad values
 * are errors that name the key.
 */
public final class ConfigLoader {
    public static final String ENV_PREFIX = "CISTERN_";
    /**
     * Variables of bin/cistern and the tools (their cache, class archive and native library), not configuration: a user
     * who set one for the tools must still be able to start the agent.
     */
    static final Set<String> LAUNCHER_VARIABLES = Set.of("CISTERN_CACHE_DIR", "CISTERN_CLASS_SHARE", "CISTERN_CLASS_LIST",
            "CISTERN_NATIVE_CACHE");
    private static final Logger LOG = Logger.getLogger(ConfigLoader.class.getName());
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ConfigLoader() {}

    /** Loads, overrides and validates. {@code file} may be null (embedded defaults). */
    public static ResolvedConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
        ObjectNode tree = YAML.valueToTree(new AgentConfig());
        if (file != null) {
            if (!Files.isRegularFile(file)) throw new ConfigException("--config", "file " + file + " does not exist");
            try {
                JsonNode fromFile = YAML.readTree(file.toFile());
                if (fromFile != null && !fromFile.isMissingNode() && !fromFile.isNull()) {
                    if (!fromFile.isObject()) throw new ConfigException("(root)", file + " must hold a YAML mapping");
                    merge(tree, (ObjectNode) fromFile, "");
                }
            } catch (JsonProcessingException e) {
                throw ConfigErrors.syntax(file, e);
            } catch (IOException e) {
                throw new ConfigException("--config", file + " cannot be read: " + e.getMessage());
            }
        }
        Map<String, String> envKeys = new TreeMap<>();
        Set<String> serviceLinks = new TreeSet<>();
        env.forEach((k, v) -> {
            if (!k.startsWith(ENV_PREFIX) || LAUNCHER_VARIABLES.contains(k)) return;
            String name = k.substring(ENV_PREFIX.length());
            if (ServiceLinks.isServiceLink(name, v)) serviceLinks.add(k);
            else envKeys.put(name.toLowerCase(Locale.ROOT).replace("__", "."), v);
        });
        if (!serviceLinks.isEmpty()) {
            LOG.info("ignoring Kubernetes service-link variables (not configuration): " + String.join(", ", serviceLinks));
        }
        envKeys.forEach((k, v) -> set(tree, k, v, ENV_PREFIX + k.toUpperCase(Locale.ROOT).replace(".", "__")));
        flags.forEach((k, v) -> set(tree, k, v, k));
        AgentConfig config;
        try {
            config = YAML.treeToValue(tree, AgentConfig.class);
        } catch (JsonMappingException e) {
            throw ConfigErrors.mapping(e);
        } catch (IOException e) {
            throw new ConfigException("(root)", e.getMessage());
        }
        ShutdownSettings.drainTimeout(config.shutdown); // checked here: ResolvedConfig is at its size limit
        StallSettings.stallTimeout(config.spool);
        LaneSettings.lanes(config.spool);
        return ResolvedConfig.of(config);
    }

    private static void merge(ObjectNode into, ObjectNode from, String prefix) {
        from.fields().forEachRemaining(e -> {
            JsonNode existing = into.get(e.getKey());
            if (existing instanceof ObjectNode o && e.getValue() instanceof ObjectNode n && !e.getKey().equals("static_labels")) {
                merge(o, n, prefix + e.getKey() + ".");
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    /** Sets a dotted key to a string value, creating mappings on the way. */
    private static void set(ObjectNode tree, String dottedKey, String value, String source) {
        String[] parts = dottedKey.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (child == null) {
                child = node.putObject(parts[i]);
            } else if (!child.isObject()) {
                throw new ConfigException(dottedKey, "set by " + source + ", but '" + parts[i] + "' is not a mapping");
            }
            node = (ObjectNode) child;
        }
        node.put(parts[parts.length - 1], value);
    }

    /** The configuration as YAML, for --print-config. */
    public static String toYaml(AgentConfig config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
