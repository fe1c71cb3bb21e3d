package dev.cistern.uploader.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The names of the log's files, {@code uploads.<epoch-ms>.ndjson}: zero-padded, so name order is age order. */
final class LogFiles {
    private static final Pattern FILE_NAME = Pattern.compile("uploads\\.(\\d{13,19})\\.ndjson");

    private LogFiles() {}

    /** The log files of a log directory, oldest first. */
    static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> FILE_NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }

    /** The file started at this instant. */
    static Path at(Path dir, long epochMillis) {
        return dir.resolve(String.format("uploads.%013d.ndjson", epochMillis));
    }

    static long sizeOrZero(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    static long lastModifiedOr(Path f, long fallback) {
        try {
            return Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            return fallback;
        }
    }
}
