package dev.cistern.uploader;

import static org.junit.jupiter.api.Assertions.*;

import dev.cistern.spool.SegmentName;
import org.junit.jupiter.api.Test;

class KeyTemplateTest {
    // 2025-11-22T23:59:59.999Z
    static final SegmentName SEG = new SegmentName("cost", 1763855999999L, 1763856100000L, 10, 100, 1, "0123456789abcdef0123");

    @Test
    void defaultIsHiveStyleUnderThePrefixFromTheFirstRowInUtc() {
        assertEquals("metrics/prod/cost/dt=2025-11-22/hour=23/" + SEG.fileName(), KeyTemplate.DEFAULT.key("/metrics/prod/", SEG));
        assertEquals("cost/dt=2025-11-22/hour=23/" + SEG.fileName(), KeyTemplate.DEFAULT.key("", SEG));
        assertEquals("cost/dt=2025-11-22/hour=23/" + SEG.fileName(), KeyTemplate.DEFAULT.key(null, SEG));
    }

    @Test
    void sameSegmentAlwaysGivesTheSameKey() {
        assertEquals(KeyTemplate.DEFAULT.key("p", SEG), KeyTemplate.DEFAULT.key("p", SegmentName.parse(SEG.fileName())));
    }

    @Test
    void customTemplates() {
        KeyTemplate t = KeyTemplate.of("{year}/{month}/{day}/{hour}/{stream}-{file}");
        assertEquals("x/2025/11/22/23/cost-" + SEG.fileName(), t.key("x", SEG));
    }

    @Test
    void rejectsUnknownPlaceholdersAndTemplatesWithoutTheFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyTemplate.of("{stream}/{nope}/{file}"));
        assertTrue(e.getMessage().contains("{nope}"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KeyTemplate.of("{stream}/{date}"));
        assertTrue(e.getMessage().contains("{file}"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KeyTemplate.of("../{file}"));
        assertThrows(IllegalArgumentException.class, () -> KeyTemplate.of("/{file}"));
    }
}
