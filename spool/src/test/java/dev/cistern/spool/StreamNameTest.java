package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamNameTest {
    private static final List<String> BAD = Arrays.asList(
            "../x", "..", ".", "x/..", "a/b", "/abs", "a\\b", "UPPER", "Metrics", "x".repeat(65), "", " ", "a b",
            "a.b", "caf\u00e9", "tab\t", "nul\0", "new\nline", null);
    private static final List<String> GOOD = List.of(
            "a", "0", "metrics", "cost-2_b", "_", "-", "z".repeat(64));

    @TempDir Path tmp;

    @Test
    void rejectsBadNamesWithAClearMessage() {
        for (String name : BAD) {
            assertFalse(StreamName.isValid(name), String.valueOf(name));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StreamName.check(name));
            String msg = e.getMessage();
            assertTrue(msg.startsWith("invalid stream name"), msg);
            assertTrue(msg.contains("lowercase letters, digits, '-' and '_'") && msg.contains("64"), msg);
            if (name != null && !name.isEmpty() && name.length() <= 80) assertTrue(msg.contains(name), msg);
        }
        String longName = "y".repeat(500);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StreamName.check(longName)).getMessage().length() < 300,
                "a huge name is shortened in the message");
    }

    @Test
    void acceptsValidNames() {
        for (String name : GOOD) {
            assertTrue(StreamName.isValid(name), name);
            assertEquals(name, StreamName.check(name));
        }
    }

    @Test
    void badStreamNameNeverCreatesAnythingOutsideTheSpool() throws Exception {
        Path spoolDir = tmp.resolve("spool");
        Set<Path> before;
        try (Spool spool = Spool.open(Fixtures.config(spoolDir).build())) {
            before = tree(tmp);
            for (String name : BAD) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spool.writer(name));
                assertTrue(e.getMessage().startsWith("invalid stream name"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> ScanQuery.builder().stream(name));
                assertThrows(IllegalArgumentException.class, () -> spool.layout().sealedStream(name));
                assertThrows(IllegalArgumentException.class, () -> spool.layout().tempPath(name, "0".repeat(20), Codec.BROTLI));
                assertThrows(IllegalArgumentException.class, () -> new SegmentName(name, 1, 2, 1, 1, 1, "0".repeat(20)));
            }
            assertEquals(before, tree(tmp), "a rejected stream name changed the file system");
        }
        assertFalse(Files.exists(tmp.resolve("x")));
        assertTrue(Fixtures.sealedFiles(spoolDir).isEmpty());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(spoolDir), s.toList(), "only the spool directory may exist next to it");
        }
    }

    @Test
    void validNamesEachGetTheirOwnDirectory() throws Exception {
        Series s = Series.of("up", Labels.EMPTY);
        try (Spool spool = Spool.open(Fixtures.config(tmp).build())) {
            for (String name : GOOD) spool.writer(name).append(s, T0, 1);
        }
        List<Path> files = Fixtures.sealedFiles(tmp);
        assertEquals(GOOD.size(), files.size());
        for (String name : GOOD) {
            Path streamDir = tmp.resolve("sealed").resolve(name);
            List<Path> mine = files.stream().filter(p -> p.getParent().getParent().getParent().equals(streamDir)).toList();
            assertEquals(1, mine.size(), name);
            assertEquals(name, SegmentName.parse(mine.get(0).getFileName().toString()).stream());
        }
    }

    private static Set<Path> tree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return new TreeSet<>(s.toList());
        }
    }
}
