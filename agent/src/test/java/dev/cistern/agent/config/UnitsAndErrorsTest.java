package dev.cistern.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16, 2: units mean what their standards say, and errors are in Cistern's words. */
class UnitsAndErrorsTest {
    @TempDir Path dir;

    @Test
    void binaryUnitsArePowersOfTwoAndDecimalUnitsPowersOfTen() {
        assertEquals(64L << 20, Sizes.bytes("k", "64MiB"));
        assertEquals(64L << 20, Sizes.bytes("k", "64Mi"));
        assertEquals(64_000_000L, Sizes.bytes("k", "64MB"));
        assertEquals(500_000L, Sizes.bytes("k", "500kB"));
        assertEquals(3L << 29, Sizes.bytes("k", "1.5GiB"));
        assertEquals(1234L, Sizes.bytes("k", "1234"));
        assertEquals(1234L, Sizes.bytes("k", "1234 B"));
    }

    @Test
    void aBareLetterIsRefusedWithBothReadings() {
        ConfigException e = assertThrows(ConfigException.class, () -> Sizes.bytes("spool.rotate_bytes", "64M"));
        assertEquals("spool.rotate_bytes", e.key());
        assertTrue(e.getMessage().contains("64MiB") && e.getMessage().contains("64MB"), e.getMessage());
        assertThrows(ConfigException.class, () -> Sizes.bytes("k", "512k"));
        assertThrows(ConfigException.class, () -> Sizes.bytes("k", "1.5")); // not whole bytes
        assertThrows(ConfigException.class, () -> Sizes.bytes("k", "12 parsecs"));
        assertThrows(ConfigException.class, () -> Sizes.bytes("k", "99999999TiB"));
    }

    @Test
    void durationsAsGoAndIso8601WriteThem() {
        assertEquals(Duration.ofSeconds(90), Durations.parse("k", "1m30s"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("k", "1.5s"));
        assertEquals(Duration.ofMillis(250), Durations.parse("k", "250ms"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("k", "1h30m"));
        assertEquals(Duration.ofDays(7), Durations.parse("k", "7d"));
        assertEquals(Duration.ofDays(14), Durations.parse("k", "2w"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("k", "PT1M30S"));
        assertEquals(Duration.ofDays(7), Durations.parse("k", "P7D"));
        assertEquals(Duration.ZERO, Durations.parse("k", "0"));
        for (String bad : new String[] {"", "5", "5 fortnights", "1m30", "s", "1.s", "PT", "-5s", "1m 30s"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> Durations.parse("upload.backoff", bad), bad);
            assertEquals("upload.backoff", e.key());
        }
    }

    @Test
    void aYamlSyntaxErrorNamesFileLineAndColumn() throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, "spool:\n  quality: 5\n   rotate_rows: [1, 2\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of(), Map.of()));
        assertTrue(e.getMessage().startsWith(f + ":3:"), e.getMessage());
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
    }

    @Test
    void aWrongTypeSaysWhatTheKeyExpectsWithoutJacksonsWords() throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, "spool:\n  rotate_rows: many\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of(), Map.of()));
        assertEquals("spool.rotate_rows", e.key());
        assertTrue(e.getMessage().contains("expects a whole number, got 'many'"), e.getMessage());
        assertTrue(!e.getMessage().contains("deserialize"), e.getMessage());
        Files.writeString(f, "spool: [1, 2]\n");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of(), Map.of()));
        assertEquals("spool", e.key());
        assertTrue(!e.getMessage().contains("deserialize"), e.getMessage());
    }
}
