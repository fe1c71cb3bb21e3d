package dev.cistern.spool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Shared helpers for spool tests: configs, listing sealed files, decoding them independently of the scanner. */
final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Limits no test reaches, so only the trigger under test seals. */
    static final Rotation NEVER = new Rotation(Long.MAX_VALUE, Long.MAX_VALUE, Duration.ofHours(1));

    private Fixtures() {}

    /** Quality 1 keeps tests fast; the format does not depend on quality. */
    static SpoolConfig.Builder config(Path dir) {
        return SpoolConfig.builder(dir).quality(1).rotation(NEVER);
    }

    static List<Path> sealedFiles(Path spoolDir) throws IOException {
        return filesUnder(spoolDir.resolve(SpoolLayout.SEALED), "").stream()
                .filter(p -> SegmentName.tryParse(p.getFileName().toString()) != null).toList(); // every codec
    }

    static List<Path> activeFiles(Path spoolDir) throws IOException {
        return filesUnder(spoolDir.resolve(SpoolLayout.ACTIVE), "");
    }

    static List<Path> filesUnder(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** Every line of a complete segment file; throws when it does not decode to the end. */
    static List<String> lines(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        Scanner.lines(file, (b, off, len) -> out.add(new String(b, off, len, StandardCharsets.UTF_8)));
        return out;
    }

    /** Every line of every sealed file of a spool. */
    static List<String> allSealedLines(Path spoolDir) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path f : sealedFiles(spoolDir)) out.addAll(lines(f));
        return out;
    }

    /** The readable prefix of a segment file (any codec) that may be unfinished (a temp file), up to where it stops decoding. */
    static byte[] readablePrefixBytes(Path file) throws IOException {
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        try (SegmentDecoder in = new SegmentDecoder(file)) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf, 0, buf.length)) > 0; ) decoded.write(buf, 0, n);
        } catch (SegmentDecoder.TruncatedException | SegmentDecoder.CorruptException expected) {
            // the prefix read so far is what we want
        }
        return decoded.toByteArray();
    }

    static String readablePrefix(Path file) throws IOException {
        return new String(readablePrefixBytes(file), StandardCharsets.UTF_8);
    }

    /** Fails with the first difference only: row lists are too long to print whole. */
    static void assertSameLines(List<String> expected, List<String> actual, String context) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                throw new AssertionError(context + ": row " + i + " differs: expected " + clip(expected.get(i))
                        + " but was " + clip(actual.get(i)));
            }
        }
        if (expected.size() != actual.size()) {
            throw new AssertionError(context + ": expected " + expected.size() + " rows but got " + actual.size());
        }
    }

    static String clip(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...(" + s.length() + " chars)";
    }

    /** The complete lines of {@link #readablePrefix}, without a torn last line. */
    static List<String> readablePrefixLines(Path file) throws IOException {
        String text = readablePrefix(file);
        int end = text.lastIndexOf('\n');
        if (end < 0) return List.of();
        return List.of(text.substring(0, end).split("\n", -1));
    }

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + line, e);
        }
    }

    /** An executable on PATH, or null. */
    static Path onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String d : path.split(File.pathSeparator)) {
            Path p = Path.of(d, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void appendJson(StreamWriter w, String json) throws IOException {
        byte[] b = utf8(json);
        w.appendJson(b, 0, b.length);
    }
}
