package dev.cistern.spool;

import java.util.regex.Pattern;

/** Validates stream names: they become directory names, so they must never reach outside the spool. */
public final class StreamName {
    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[a-z0-9_-]{1," + MAX_LENGTH + "}");

    private StreamName() {}

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** Returns the name unchanged, or throws with a message that says what is allowed. */
    public static String check(String name) {
        if (!isValid(name)) {
            String shown = name == null ? "null" : '"' + (name.length() > 80 ? name.substring(0, 80) + "..." : name) + '"';
            throw new IllegalArgumentException("invalid stream name " + shown
                    + ": use 1-" + MAX_LENGTH + " characters from lowercase letters, digits, '-' and '_'");
        }
        return name;
    }
}
