package dev.cistern.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Issue 12: uploaded/ is bounded by default, and every example config sets limits a user can reason about. */
class DiskLimitsTest {
    private static final Path EXAMPLES = Path.of("..", "config");

    @Test
    void uploadedFilesAreBoundedByDefault() {
        assertEquals(Duration.ofHours(24), ConfigLoader.load(null, Map.of(), Map.of()).retention().uploadedMaxAge());
    }

    @Test
    void everyExampleConfigSetsDiskLimits() throws Exception {
        List<Path> configs;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            configs = s.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().startsWith("prometheus")).toList();
        }
        assertFalse(configs.isEmpty(), "no example configs under " + EXAMPLES.toAbsolutePath());
        for (Path c : configs) {
            ResolvedConfig r = ConfigLoader.load(c, Map.of(), Map.of());
            assertTrue(r.retention().maxTotalBytes() > 0, c + ": retention.max_total_bytes");
            assertTrue(r.retention().uploadedMaxAge() != null, c + ": retention.uploaded_max_age");
            assertTrue(r.maxLagBytes() < r.retention().maxTotalBytes(), c + ": journal.max_lag_bytes must fit under max_total_bytes");
        }
    }
}
