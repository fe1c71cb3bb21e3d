package dev.cistern.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks shared by commands, with errors that say what to do. */
final class Cli {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Cli() {}

    /** What a reading command reads: a spool directory, or any folder of segments (a file: destination's tree). */
    static Scanner scanner(Path dir) {
        if (!Files.exists(dir)) throw new IllegalArgumentException(dir + ": no such directory");
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + " is not a directory");
        return Files.isDirectory(new SpoolLayout(dir).sealed()) ? Scanner.of(dir) : Scanner.ofFiles(List.of(dir));
    }

    /** Prints one JSON document on stdout (the --json output of the commands). */
    static void printJson(Object value) throws IOException {
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }

    /** A JSON object whose keys keep the order given: key, value, key, value... */
    static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    /** An option that was renamed: refused with its new name rather than read with an old meaning. */
    static void refuseRenamed(CommandSpec spec, String value, String oldName, String newName) {
        if (value != null) {
            throw new ParameterException(spec.commandLine(), oldName + " is now " + newName
                    + " (--from and --to are times in every command)");
        }
    }

    /** A required option checked by hand (picocli's own check would run before {@link #refuseRenamed}). */
    static void require(CommandSpec spec, Object value, String option) {
        if (value == null) throw new ParameterException(spec.commandLine(), "Missing required option: '" + option + "'");
    }

    static void requireSpoolDir(Path dir) {
        if (!Files.exists(dir)) throw new IllegalArgumentException(dir + ": no such directory");
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + " is not a directory");
        if (!Files.isDirectory(new SpoolLayout(dir).sealed())) {
            throw new IllegalArgumentException(dir + " is not a spool directory (it has no sealed/ folder)");
        }
    }
}
