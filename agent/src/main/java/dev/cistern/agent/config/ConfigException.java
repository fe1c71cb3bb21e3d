package dev.cistern.agent.config;

import java.nio.file.Path;

/** A configuration problem, naming the key (or the file, line and column) and what is allowed. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        this(key, "config key '" + key + "': " + message, false);
    }

    private ConfigException(String key, String fullMessage, boolean unused) {
        super(fullMessage);
        this.key = key;
    }

    /** A problem at a place in the config file, worded as compilers do: {@code file:line:column: what}. */
    static ConfigException at(Path file, int line, int column, String message) {
        return new ConfigException("--config", file + ":" + line + ":" + column + ": " + message, false);
    }

    public String key() {
        return key;
    }
}
