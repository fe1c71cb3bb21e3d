package dev.cistern.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.stream.Stream;

/**
 * CPU time of every thread of this process, JVM threads (JIT compilers, GC) included, from
 * /proc/self/task on Linux; empty elsewhere. Threads are grouped by name without trailing digits.
 */
final class ThreadCpu {
    private ThreadCpu() {}

    /** Clock ticks of user + system time by thread group. */
    static Map<String, Long> snapshot() {
        Map<String, Long> ticks = new HashMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) return ticks;
        try (Stream<Path> s = Files.list(tasks)) {
            for (Path t : s.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long cpu = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                    ticks.merge(name.replaceAll("[\\d#]+$", "").strip(), cpu, Long::sum);
                } catch (IOException | RuntimeException ignored) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException ignored) {
            // no /proc: no breakdown
        }
        return ticks;
    }

    /** CPU seconds by thread group between two snapshots (100 ticks a second), largest first. */
    static Map<String, Double> between(Map<String, Long> before, Map<String, Long> after) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>();
        after.forEach((k, v) -> sorted.add(Map.entry(k, v - before.getOrDefault(k, 0L))));
        sorted.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : sorted) if (e.getValue() > 0) seconds.put(e.getKey(), e.getValue() / 100.0);
        return seconds;
    }

    /** Seconds of the groups whose names start with any of {@code prefixes}. */
    static double sum(Map<String, Double> seconds, String... prefixes) {
        double total = 0;
        for (Map.Entry<String, Double> e : seconds.entrySet()) {
            for (String p : prefixes) {
                if (e.getKey().startsWith(p)) {
                    total += e.getValue();
                    break;
                }
            }
        }
        return total;
    }

    static String describe(Map<String, Double> seconds) {
        List<String> parts = new ArrayList<>();
        seconds.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.2fs", k, v)));
        return String.join(", ", parts);
    }
}
