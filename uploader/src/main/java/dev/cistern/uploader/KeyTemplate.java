package dev.cistern.uploader;

import dev.cistern.spool.SegmentName;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Object keys from a template. The default is Hive style,
 * {@code PREFIX/STREAM/dt=YYYY-MM-DD/hour=HH/FILE}, with the date and hour of the segment's first
 * row in UTC (the same partition the spool files it under). Keys depend only on the segment name,
 * so a repeated upload always lands on the same key.
 *
 * <p>Placeholders: {@code {stream} {date} {year} {month} {day} {hour} {file}}. {@code {file}} is
 * required, because the file name is what makes a key unique.
 */
public final class KeyTemplate {
    public static final String DEFAULT_PATTERN = "{stream}/dt={date}/hour={hour}/{file}";
    private static final Set<String> PLACEHOLDERS = Set.of("stream", "date", "year", "month", "day", "hour", "file");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    public static final KeyTemplate DEFAULT = of(DEFAULT_PATTERN);

    private final String pattern;
    private final List<String> literals = new ArrayList<>();
    private final List<String> fields = new ArrayList<>();

    private KeyTemplate(String pattern) {
        this.pattern = pattern;
        Matcher m = PLACEHOLDER.matcher(pattern);
        int at = 0;
        while (m.find()) {
            String field = m.group(1);
            if (!PLACEHOLDERS.contains(field)) {
                throw new IllegalArgumentException("key template " + pattern + ": unknown placeholder {" + field
                        + "}; use " + PLACEHOLDERS.stream().sorted().map(p -> "{" + p + "}").toList());
            }
            literals.add(pattern.substring(at, m.start()));
            fields.add(field);
            at = m.end();
        }
        literals.add(pattern.substring(at));
        if (!fields.contains("file")) {
            throw new IllegalArgumentException("key template " + pattern + " must contain {file}: it is what makes each key unique");
        }
        if (pattern.startsWith("/") || pattern.contains("..") || pattern.contains("//")) {
            throw new IllegalArgumentException("key template " + pattern + " must not start with '/' or contain '..' or '//'");
        }
    }

    public static KeyTemplate of(String pattern) {
        return new KeyTemplate(pattern);
    }

    public String pattern() { return pattern; }

    /** The key for a segment under a prefix; an empty prefix adds nothing, slashes around it are trimmed. */
    public String key(String prefix, SegmentName segment) {
        ZonedDateTime t = Instant.ofEpochMilli(segment.minTs()).atZone(ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(128);
        String p = trimSlashes(prefix);
        if (!p.isEmpty()) b.append(p).append('/');
        for (int i = 0; i < fields.size(); i++) {
            b.append(literals.get(i));
            switch (fields.get(i)) {
                case "stream" -> b.append(segment.stream());
                case "date" -> b.append(String.format("%04d-%02d-%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth()));
                case "year" -> b.append(String.format("%04d", t.getYear()));
                case "month" -> b.append(String.format("%02d", t.getMonthValue()));
                case "day" -> b.append(String.format("%02d", t.getDayOfMonth()));
                case "hour" -> b.append(String.format("%02d", t.getHour()));
                default -> b.append(segment.fileName());
            }
        }
        b.append(literals.get(literals.size() - 1));
        return b.toString();
    }

    static String trimSlashes(String prefix) {
        if (prefix == null) return "";
        int from = 0;
        int to = prefix.length();
        while (from < to && prefix.charAt(from) == '/') from++;
        while (to > from && prefix.charAt(to - 1) == '/') to--;
        return prefix.substring(from, to);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
