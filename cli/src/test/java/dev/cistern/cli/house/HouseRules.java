package dev.cistern.cli.house;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The rules of the house (issue 9), as checks over main source files. Each check returns one line
 * per place that breaks it (file:line and what is wrong), so a failure says where to look.
 */
final class HouseRules {
    static final String ROOT = "dev.cistern";
    static final String AGENT = "dev.cistern.agent";
    static final int MAX_CLASS_LINES = 300;
    static final int MAX_METHOD_LINES = 60;
    static final int MAX_LINE_CHARS = 140;
    /** Written on the line before a longer method, followed by why it is long. */
    static final String LONG_METHOD_MARK = "// over 60 lines:";
    private static final Pattern IMPORT = Pattern.compile("(?m)^[ \\t]*import\\s+([\\w.]+)\\s*;");
    private static final Pattern TYPE = Pattern.compile("\\b(?:class|interface|enum|record)\\s+([A-Z]\\w*)");

    private HouseRules() {
    }

    /** Every main Java file under {@code root/<module>/src/main/java}. */
    static List<JavaSource> mainSources(Path root, List<String> modules) throws IOException {
        List<JavaSource> files = new ArrayList<>();
        for (String module : modules) {
            Path dir = root.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("no main sources at " + dir + ": is the module list in the test up to date?");
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    files.add(JavaSource.read(root, p));
                }
            }
        }
        return files;
    }

    /** package -> packages it names (other than itself), with one place each is named from. */
    static Map<String, Map<String, String>> dependencies(List<JavaSource> files) {
        Map<String, Map<String, String>> deps = new TreeMap<>();
        for (JavaSource f : files) {
            Map<String, String> mine = deps.computeIfAbsent(f.pkg, k -> new TreeMap<>());
            for (JavaSource.Use u : f.uses()) {
                if (u.pkg().startsWith(ROOT) && !u.pkg().equals(f.pkg)) {
                    mine.putIfAbsent(u.pkg(), f.path + ":" + u.line());
                }
            }
        }
        return deps;
    }

    static String parentOf(String pkg) {
        int dot = pkg.lastIndexOf('.');
        return dot < 0 ? "" : pkg.substring(0, dot);
    }

    /** Two packages with the same parent that name each other. */
    static List<String> siblingCycles(List<JavaSource> files) {
        Map<String, Map<String, String>> deps = dependencies(files);
        List<String> out = new ArrayList<>();
        for (var a : deps.entrySet()) {
            for (var use : a.getValue().entrySet()) {
                String b = use.getKey();
                boolean siblings = parentOf(a.getKey()).equals(parentOf(b));
                if (siblings && a.getKey().compareTo(b) < 0 && deps.getOrDefault(b, Map.of()).containsKey(a.getKey())) {
                    out.add(a.getKey() + " and " + b + " import each other: " + use.getValue() + " and "
                            + deps.get(b).get(a.getKey()) + "; make the arrow point one way");
                }
            }
        }
        return out;
    }

    /** Files in {@code pkg} (and below it when {@code subpackages}) that name a package {@code forbidden} accepts. */
    static List<String> forbidden(List<JavaSource> files, String pkg, boolean subpackages,
            Predicate<String> forbidden, String why) {
        List<String> out = new ArrayList<>();
        for (JavaSource f : files) {
            boolean in = f.pkg.equals(pkg) || subpackages && f.pkg.startsWith(pkg + ".");
            if (!in) {
                continue;
            }
            for (JavaSource.Use u : f.uses()) {
                if (!u.pkg().equals(f.pkg) && forbidden.test(u.pkg())) {
                    out.add(f.path + ":" + u.line() + " names " + u.pkg() + ": " + why);
                }
            }
        }
        return out;
    }

    static boolean within(String pkg, String... roots) {
        for (String r : roots) {
            if (pkg.equals(r) || pkg.startsWith(r + ".")) {
                return true;
            }
        }
        return false;
    }

    /** The package rules of issue 9, all of them. */
    static List<String> packageRules(List<JavaSource> files) {
        List<String> out = new ArrayList<>(siblingCycles(files));
        out.addAll(forbidden(files, AGENT + ".http", true, p -> within(p, AGENT + ".ingest", AGENT + ".remotewrite", AGENT + ".apply"),
                "http knows nothing of ingest, remotewrite or apply"));
        for (JavaSource f : files) {
            if (f.module.equals("agent")) {
                for (JavaSource.Use u : f.uses()) {
                    if (within(u.pkg(), ROOT + ".cli")) {
                        out.add(f.path + ":" + u.line() + " names " + u.pkg() + ": the agent module knows nothing of the cli");
                    }
                }
            }
        }
        for (String leaf : List.of("remotewrite", "ndjson", "routing")) {
            String pkg = AGENT + "." + leaf;
            out.addAll(forbidden(files, pkg, true, p -> within(p, AGENT) && !within(p, pkg),
                    leaf + " imports no other agent package"));
        }
        String journal = AGENT + ".journal";
        out.addAll(forbidden(files, journal, true, p -> within(p, ROOT) && !within(p, journal, ROOT + ".spool"),
                "journal imports only the spool"));
        return out;
    }

    static List<String> longClasses(List<JavaSource> files) {
        List<String> out = new ArrayList<>();
        for (JavaSource f : files) {
            if (f.lines.size() > MAX_CLASS_LINES) {
                out.add(f.path + " has " + f.lines.size() + " lines (at most " + MAX_CLASS_LINES + "): give a job its own class");
            }
        }
        return out;
    }

    /** Methods over 60 lines without {@link #LONG_METHOD_MARK} and a reason on the line before (annotations skipped). */
    static List<String> longMethods(List<JavaSource> files) {
        List<String> out = new ArrayList<>();
        for (JavaSource f : files) {
            for (JavaSource.Method m : f.methods()) {
                if (m.length() > MAX_METHOD_LINES && !hasReason(f, m.line())) {
                    out.add(f.path + ":" + m.line() + " " + m.name() + " has " + m.length() + " lines (at most "
                            + MAX_METHOD_LINES + " unless '" + LONG_METHOD_MARK + " why' stands on the line before)");
                }
            }
        }
        return out;
    }

    private static boolean hasReason(JavaSource f, int line) {
        int i = line - 2;
        while (i >= 0 && f.lines.get(i).trim().startsWith("@")) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        String before = f.lines.get(i).trim();
        return before.startsWith(LONG_METHOD_MARK) && before.length() > LONG_METHOD_MARK.length() + 3;
    }

    static List<String> longLines(List<JavaSource> files) {
        List<String> out = new ArrayList<>();
        for (JavaSource f : files) {
            for (int i = 0; i < f.lines.size(); i++) {
                int n = f.lines.get(i).length();
                if (n > MAX_LINE_CHARS) {
                    out.add(f.path + ":" + (i + 1) + " is " + n + " characters (at most " + MAX_LINE_CHARS + ")");
                }
            }
        }
        return out;
    }

    /**
     * Qualified java./javax./dev.cistern. names inline in code. An import does not work only where the
     * simple name is taken in the file already (another import, or the file's own type): those pass.
     */
    static List<String> inlineNames(List<JavaSource> files) {
        List<String> out = new ArrayList<>();
        for (JavaSource f : files) {
            Set<String> taken = takenSimpleNames(f);
            for (JavaSource.Use u : f.inlineNames()) {
                String line = f.code.split("\n", -1)[u.line() - 1];
                for (String name : qualifiedOn(line)) {
                    String simple = name.substring(name.lastIndexOf('.') + 1);
                    if (!taken.contains(simple) || importsExactly(f, name)) {
                        out.add(f.path + ":" + u.line() + " writes " + name + " inline: import it");
                    }
                }
            }
        }
        return out.stream().distinct().toList();
    }

    private static List<String> qualifiedOn(String line) {
        List<String> names = new ArrayList<>();
        Matcher m = JavaSource.QUALIFIED.matcher(line);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    private static boolean importsExactly(JavaSource f, String name) {
        return f.code.contains("import " + name + ";");
    }

    /** Simple names an import of another type of that name would clash with. */
    private static Set<String> takenSimpleNames(JavaSource f) {
        Set<String> taken = new TreeSet<>();
        taken.add(f.simpleName());
        Matcher m = IMPORT.matcher(f.code);
        while (m.find()) {
            taken.add(m.group(1).substring(m.group(1).lastIndexOf('.') + 1));
        }
        Matcher nested = TYPE.matcher(f.code);
        while (nested.find()) {
            taken.add(nested.group(1));
        }
        return taken;
    }
}
