package dev.cistern.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** What a test sees of a directory tree: its regular files, and waiting for them to appear. */
public final class TestFiles {
    private TestFiles() {}

    /** All regular files under a directory, relative to it, sorted; none when it does not exist. */
    public static List<String> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    /** Waits until {@code dir} holds at least {@code n} files; fails after {@code timeout}. */
    public static void awaitFiles(Path dir, int n, Duration timeout) throws Exception {
        awaitFiles(dir, n, timeout, null, null);
    }

    /** As {@link #awaitFiles(Path, int, Duration)}, failing at once with the child's output when the child that makes them dies. */
    public static void awaitFiles(Path dir, int n, Duration timeout, Process child, Path childLog) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (files(dir).size() < n) {
            if (child != null && !child.isAlive()) fail("the child process exited: " + Files.readString(childLog));
            if (System.nanoTime() > deadline) fail("expected " + n + " files in " + dir + ", have " + files(dir));
            Thread.sleep(20);
        }
    }
}
