package dev.cistern.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code cat} command line read without picocli when it is plain, for a quicker start: picocli's first use costs a
 * tool 0.09-0.11 s whatever the command declares (its classes, converters and reflection), a seventh of a {@code cat}
 * over a million rows (docs/benchmarks.md, "Rows alike, and a plain command line"). Plain means: inputs that do not
 * start with {@code -}, and options {@link CatCommand} declares, each as {@code --option value} or
 * {@code --option=value}, once (but {@code --stream} and {@code --label}); no argument that starts with {@code @}
 * (picocli reads files so, option values too); a value given apart does not start with {@code -}. Anything else
 * (help, a typo, a value that does not convert, {@code --}) is left to picocli, which reads the line as always and
 * names what is wrong: a line is never read two ways.
 */
final class PlainCatLine {
    private static final Set<String> REPEATABLE = Set.of("--stream", "--label");

    private PlainCatLine() {}

    /** The command {@code args} ({@code cat ...}) asks for, or null when picocli must read them. */
    static CatCommand read(String[] args) {
        if (args.length < 2 || !args[0].equals("cat")) return null;
        CatCommand cat = new CatCommand();
        List<Path> inputs = new ArrayList<>();
        List<String> streams = new ArrayList<>();
        Map<String, String> labels = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        try {
            for (String a : args) if (a.startsWith("@")) return null; // picocli expands @files, option values too
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("-")) {
                    if (a.isEmpty()) return null;
                    inputs.add(Main.path(a));
                    continue;
                }
                int eq = a.indexOf('=');
                String option = eq < 0 ? a : a.substring(0, eq);
                String value;
                if (eq >= 0) {
                    value = a.substring(eq + 1);
                } else {
                    if (i + 1 == args.length) return null;
                    value = args[++i];
                }
                if (value.startsWith("-") || !seen.add(option) && !REPEATABLE.contains(option)) return null;
                switch (option) {
                    case "--stream" -> streams.add(value);
                    case "--from" -> cat.from = TimeArg.parse(value, Instant.now());
                    case "--to" -> cat.to = TimeArg.parse(value, Instant.now());
                    case "--time-field" -> cat.timeField = value;
                    case "--time-format" -> cat.timeFormat = new TimeFormatArg().convert(value);
                    case "--name" -> cat.name = value;
                    case "--label" -> {
                        int kv = value.indexOf('=');
                        if (kv < 0) return null;
                        labels.put(value.substring(0, kv), value.substring(kv + 1));
                    }
                    case "--grep", "--text" -> {
                        if (!seen.add(option.equals("--grep") ? "--text" : "--grep")) return null; // one option, two names
                        cat.text = value;
                    }
                    case "--offset" -> cat.offset = count(value);
                    case "--limit" -> cat.limit = count(value);
                    default -> {
                        return null;
                    }
                }
            }
        } catch (RuntimeException e) {
            return null; // a value that does not convert: picocli says why
        }
        if (inputs.isEmpty()) return null;
        cat.inputs = inputs;
        if (!streams.isEmpty()) cat.streams = streams;
        if (!labels.isEmpty()) cat.labels = labels;
        return cat;
    }

    /** Plain digits only: picocli's reading of anything else (a sign, hex) is its own. */
    private static long count(String s) {
        if (s.isEmpty() || s.length() > 18) throw new IllegalArgumentException(s);
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') throw new IllegalArgumentException(s);
        return Long.parseLong(s);
    }
}
