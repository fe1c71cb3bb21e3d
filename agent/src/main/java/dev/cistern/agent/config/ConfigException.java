package dev.cistern.agent.config;

/** A configuration problem, naming the key and what is allowed. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super("config key '" + key + "': " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
