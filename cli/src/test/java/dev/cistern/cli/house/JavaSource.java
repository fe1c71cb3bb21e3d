package dev.cistern.cli.house;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Java file read as text, enough for the house rules: its package, the packages it names
 * (imports and inline qualified names), its lines, and where its methods start and end.
 * No parser: comments and literals are blanked first, so braces and names in them do not count.
 */
final class JavaSource {
    private static final Pattern PACKAGE = Pattern.compile("(?m)^[ \\t]*package\\s+([\\w.]+)\\s*;");
    private static final Pattern IMPORT = Pattern.compile("(?m)^[ \\t]*import\\s+(static\\s+)?([\\w.]+)(\\.\\*)?\\s*;");
    /** A qualified name in code: lower-case package segments, then a type. */
    static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])((?:java|javax|com\\.sun|dev\\.cistern)(?:\\.[a-z_]\\w*)*)\\.[A-Z]\\w*");
    private static final Pattern TYPE_HEADER = Pattern.compile("\\b(?:class|interface|enum|record)\\s+[A-Z]\\w*");
    private static final Pattern NEW_BEFORE = Pattern.compile("(?s).*\\bnew\\s+[\\w.]+\\s*(?:<.*>)?\\s*$");
    private static final Pattern NAME_BEFORE = Pattern.compile("(?s).*?(\\w+)\\s*(?:<[^()]*>)?\\s*$");
    private static final Pattern THROWS = Pattern.compile("(?s)^(.*\\))\\s*throws\\s+[\\w.<>,\\s]+$");
    private static final Set<String> KEYWORDS = Set.of("if", "for", "while", "switch", "catch", "synchronized", "try", "return");

    /** A method, constructor or initializer: name, the line its name stands on, its closing line (1-based). */
    record Method(String name, int line, int endLine) {
        int length() {
            return endLine - line + 1;
        }
    }

    /** An import or inline qualified name: the package it names and the line it is on. */
    record Use(String pkg, int line, boolean inline) {
    }

    final String path;
    final String module;
    final String pkg;
    final List<String> lines;
    /** The text with comments and the contents of literals blanked, newlines kept. */
    final String code;

    JavaSource(String path, String module, String text) {
        this.path = path;
        this.module = module;
        this.lines = text.lines().toList();
        this.code = blank(text);
        Matcher m = PACKAGE.matcher(code);
        this.pkg = m.find() ? m.group(1) : "";
    }

    static JavaSource read(Path root, Path file) throws IOException {
        String rel = root.relativize(file).toString().replace('\\', '/');
        return new JavaSource(rel, rel.substring(0, rel.indexOf('/')), Files.readString(file));
    }

    String simpleName() {
        String f = path.substring(path.lastIndexOf('/') + 1);
        return f.substring(0, f.length() - ".java".length());
    }

    int lineOf(int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Packages this file names, by imports and by qualified names inline in code. */
    List<Use> uses() {
        List<Use> uses = new ArrayList<>();
        Matcher m = IMPORT.matcher(code);
        while (m.find()) {
            String name = m.group(2);
            String p = m.group(3) != null && name.substring(name.lastIndexOf('.') + 1).matches("[a-z_]\\w*")
                    ? name : packageOf(name);
            uses.add(new Use(p, lineOf(m.start()), false));
        }
        for (Use inline : inlineNames()) {
            uses.add(inline);
        }
        return uses;
    }

    /** Qualified java./javax./dev.cistern. names written inline in code (not in import or package lines). */
    List<Use> inlineNames() {
        List<Use> found = new ArrayList<>();
        String[] codeLines = code.split("\n", -1);
        for (int i = 0; i < codeLines.length; i++) {
            String l = codeLines[i].trim();
            if (l.startsWith("import ") || l.startsWith("package ")) {
                continue;
            }
            Matcher m = QUALIFIED.matcher(codeLines[i]);
            while (m.find()) {
                found.add(new Use(m.group(1), i + 1, true));
            }
        }
        return found;
    }

    static String packageOf(String qualified) {
        String[] parts = qualified.split("\\.");
        StringBuilder p = new StringBuilder();
        for (String part : parts) {
            if (!part.isEmpty() && Character.isUpperCase(part.charAt(0))) {
                break;
            }
            p.append(p.length() == 0 ? "" : ".").append(part);
        }
        return p.toString();
    }

    /** Methods, constructors and initializers, nested and anonymous classes' too. */
    List<Method> methods() {
        List<Method> methods = new ArrayList<>();
        Deque<Object[]> open = new ArrayDeque<>(); // {kind, name, line}
        int headerStart = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == ';') {
                headerStart = i + 1;
            } else if (c == '{') {
                String enclosing = open.isEmpty() ? "type" : (String) open.peek()[0];
                open.push(classify(enclosing, code.substring(headerStart, i), headerStart, i));
                headerStart = i + 1;
            } else if (c == '}') {
                Object[] closed = open.isEmpty() ? new Object[] {"block"} : open.pop();
                if ("method".equals(closed[0])) {
                    methods.add(new Method((String) closed[1], (Integer) closed[2], lineOf(i)));
                }
                headerStart = i + 1;
            }
        }
        methods.sort((a, b) -> Integer.compare(a.line, b.line));
        return methods;
    }

    private Object[] classify(String enclosing, String raw, int headerStart, int brace) {
        String header = raw.strip();
        int lead = raw.length() - raw.stripLeading().length();
        if (TYPE_HEADER.matcher(header).find()) {
            return new Object[] {"type"};
        }
        String h = header;
        Matcher t = THROWS.matcher(h);
        if (t.matches()) {
            h = t.group(1).trim();
        }
        if (h.endsWith(")")) {
            int open = openParen(h);
            String before = open < 0 ? "" : h.substring(0, open);
            if (NEW_BEFORE.matcher(before).matches()) {
                return new Object[] {"type"}; // anonymous class
            }
            Matcher name = NAME_BEFORE.matcher(before);
            if ("type".equals(enclosing) && name.matches() && !KEYWORDS.contains(name.group(1))) {
                return new Object[] {"method", name.group(1), lineOf(headerStart + lead + name.start(1))};
            }
            return new Object[] {"block"};
        }
        if ("type".equals(enclosing) && h.matches("[\\w\\s]*")) {
            String[] words = h.isEmpty() ? new String[] {"initializer"} : h.split("\\s+");
            return new Object[] {"method", words[words.length - 1], lineOf(h.isEmpty() ? brace : headerStart + lead)};
        }
        return new Object[] {"block"};
    }

    /** Where the parenthesis group that closes the text opens. */
    private static int openParen(String h) {
        int depth = 0;
        for (int i = h.length() - 1; i >= 0; i--) {
            char c = h.charAt(i);
            if (c == ')') {
                depth++;
            } else if (c == '(' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Comments to spaces, the insides of string, char and text-block literals to spaces; newlines kept. */
    static String blank(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
                spaces(out, s, i, end);
                i = end;
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                while (end > 0 && s.charAt(end - 1) == '\\') {
                    end = s.indexOf("\"\"\"", end + 1);
                }
                end = end < 0 ? s.length() : end + 3;
                out.append("\"\"\"");
                spaces(out, s, i + 3, end - 3);
                out.append("\"\"\"");
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                boolean closed = j < s.length() && s.charAt(j) == c;
                out.append(c);
                spaces(out, s, i + 1, Math.min(j, s.length()));
                out.append(closed ? String.valueOf(c) : "");
                i = closed ? j + 1 : Math.min(j, s.length());
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void spaces(StringBuilder out, String s, int from, int to) {
        for (int k = from; k < to; k++) {
            out.append(s.charAt(k) == '\n' ? '\n' : ' ');
        }
    }

    static Set<String> packagesOf(List<JavaSource> files) {
        Set<String> pkgs = new TreeSet<>();
        files.forEach(f -> pkgs.add(f.pkg));
        return pkgs;
    }
}
