package dev.cistern.agent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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

    /** "name 1.23s, ..." for the groups that used the most CPU between two snapshots (100 ticks a second). */
    static String describe(Map<String, Long> before, Map<String, Long> after, int top) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0L)));
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(delta.entrySet());
        sorted.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Long> e : sorted.subList(0, Math.min(top, sorted.size()))) {
            if (e.getValue() > 0) parts.add(String.format(Locale.ROOT, "%s %.2fs", e.getKey(), e.getValue() / 100.0));
        }
        return String.join(", ", parts);
    }
}
