package dev.cistern.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/** Jackson's errors in Cistern's words: the key or the file position, and what the key expects. */
final class ConfigErrors {
    private ConfigErrors() {}

    /** A YAML syntax error, with the file, line and column the parser stopped at. */
    static ConfigException syntax(Path file, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String why = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage().split("\n")[0];
        int line = at == null ? 0 : at.getLineNr();
        int column = at == null ? 0 : at.getColumnNr();
        return ConfigException.at(file, line, column, "not valid YAML: " + why);
    }

    /** A value of the wrong kind or an unknown key, named by its dotted path. */
    static ConfigException mapping(JsonMappingException e) {
        String key = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        if (e instanceof UnrecognizedPropertyException) {
            return new ConfigException(key, "unknown key (see config/ for examples, or run `cistern run --print-config`)");
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String got = e instanceof InvalidFormatException f ? ", got '" + f.getValue() + "'" : "";
            return new ConfigException(key, "expects " + kind(m.getTargetType()) + got);
        }
        return new ConfigException(key, e.getOriginalMessage().split("\n")[0]);
    }

    private static String kind(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) return "a whole number";
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) return "a number";
        if (type == boolean.class || type == Boolean.class) return "true or false";
        if (type == String.class) return "a single value (a string or number), not a list or mapping";
        if (Collection.class.isAssignableFrom(type) || type.isArray()) return "a list";
        if (Map.class.isAssignableFrom(type)) return "a mapping of names to values";
        return "a mapping (key: value lines)";
    }
}
