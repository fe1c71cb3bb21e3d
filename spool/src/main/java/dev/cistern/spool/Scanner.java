package dev.cistern.spool;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads rows back from sealed segments (in {@code sealed/} and those kept in {@code uploaded/}) with
 * bounded memory: files are streamed one line at a time, and files are pruned by stream and time
 * range from their names before any is opened. A file that
 * cannot be read completely gives its readable rows and is reported, never fatal.
 */
public final class Scanner {

    /** Sees each matching row; returns false to stop the scan. */
    @FunctionalInterface
    public interface RowVisitor {
        boolean visit(Row row);
    }

    /** Sees each raw line of a file, valid only during the call. */
    @FunctionalInterface
    public interface LineVisitor {
        void line(byte[] array, int offset, int length) throws IOException;
    }

    /** How a scan went: counts, and files that could not be read completely. */
    public record Summary(int filesScanned, int filesPruned, long rowsRead, long matched, List<String> problems) {}

    private final SpoolLayout layout; // null when scanning a set of files
    private final List<Path> files;

    Scanner(SpoolLayout layout) {
        this.layout = layout;
        this.files = List.of();
    }

    private Scanner(List<Path> files) {
        this.layout = null;
        this.files = List.copyOf(files);
    }

    /** A scanner over a spool directory, without opening it for writing (safe while an agent runs). */
    public static Scanner of(Path spoolDirectory) {
        return new Scanner(new SpoolLayout(spoolDirectory));
    }

    /**
     * A scanner over segment files and folders holding them at any depth (a destination's Hive tree,
     * a copy of {@code sealed/}): the stream and time range come from each file's name, so a file whose
     * name is not a segment name is skipped.
     */
    public static Scanner ofFiles(List<Path> filesAndFolders) {
        return new Scanner(filesAndFolders);
    }

    /** Sealed segments the query could match, oldest first, pruned by name only. */
    public List<SealedSegment> segments(ScanQuery q) throws IOException {
        List<SealedSegment> out = new ArrayList<>();
        listSegments(q, out, new int[1]);
        return out;
    }

    /**
     * Segments in {@code sealed/} and, kept after upload, in {@code uploaded/}. A file moved between
     * the two while we list could be seen twice: ids are unique, so the second sighting is dropped.
     */
    private void listSegments(ScanQuery q, List<SealedSegment> out, int[] pruned) throws IOException {
        Set<String> ids = new HashSet<>();
        if (layout == null) {
            for (Path p : files) listFiles(p, q, out, pruned, ids);
        } else {
            listSegments(layout.sealed(), q, out, pruned, ids);
            if (q.includeUploaded()) listSegments(layout.uploaded(), q, out, pruned, ids);
        }
        out.sort(Comparator.comparingLong((SealedSegment s) -> s.name().minTs()).thenComparing(s -> s.name().id()));
    }

    private void listSegments(Path root, ScanQuery q, List<SealedSegment> out, int[] pruned, Set<String> ids)
            throws IOException {
        if (!Files.isDirectory(root)) return;
        List<Path> streamDirs;
        try (Stream<Path> s = Files.list(root)) {
            streamDirs = s.filter(p -> q.wantsStream(p.getFileName().toString())).sorted().toList();
        }
        for (Path dir : streamDirs) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(dir, 3)) {
                files = s.filter(Scanner::isSegmentFile).toList();
            } catch (NoSuchFileException | UncheckedIOException e) {
                continue; // moved by an uploader or retention while we listed
            }
            for (Path f : files) add(f, q, out, pruned, ids);
        }
    }

    private static void listFiles(Path root, ScanQuery q, List<SealedSegment> out, int[] pruned, Set<String> ids)
            throws IOException {
        if (!Files.isDirectory(root)) {
            add(root, q, out, pruned, ids);
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path f : s.filter(Scanner::isSegmentFile).toList()) {
                add(f, q, out, pruned, ids);
            }
        }
    }

    /** A sealed file of any codec (by suffix; names that do not parse are skipped by {@link #add}). */
    private static boolean isSegmentFile(Path p) {
        String n = p.getFileName().toString();
        return Codec.ofFileName(n) != null && !n.endsWith(SpoolLayout.TEMP_SUFFIX_END);
    }

    private static void add(Path f, ScanQuery q, List<SealedSegment> out, int[] pruned, Set<String> ids) {
        SealedSegment seg = SealedSegment.of(f);
        if (seg == null || !ids.add(seg.name().id())) return;
        if (seg.name().overlaps(q.from(), q.to()) && q.wantsStream(seg.name().stream())) out.add(seg);
        else pruned[0]++;
    }

    /**
     * Streams the query's page of matching rows to the visitor, in time order: the first
     * {@link ScanQuery#offset()} matches are skipped, and with a {@link ScanQuery#limit()} the scan
     * stops at the first match past the page. {@link Summary#matched()} counts the matches seen.
     */
    public Summary scan(ScanQuery q, RowVisitor visitor) throws IOException {
        return scan(q, visitor, false);
    }

    /** One page of matches (the query's offset and limit), with the total number of matches. */
    public ScanPage page(ScanQuery q) throws IOException {
        List<Row> rows = new ArrayList<>();
        Summary s = scan(q, rows::add, true);
        return new ScanPage(rows, s.matched(), q.offset(), q.limit(), s.filesScanned(), s.filesPruned(), s.problems());
    }

    /** The one place offset and limit are applied; {@code countAll} reads on past the page to count every match. */
    private Summary scan(ScanQuery q, RowVisitor visitor, boolean countAll) throws IOException {
        List<SealedSegment> segments = new ArrayList<>();
        int[] pruned = new int[1];
        listSegments(q, segments, pruned);
        List<String> problems = new ArrayList<>();
        long read = 0;
        long matched = 0;
        int scanned = 0;
        long pageEnd = q.limit() == 0 ? Long.MAX_VALUE : q.offset() + Math.min(q.limit(), Long.MAX_VALUE - q.offset());
        RowMatcher m = new RowMatcher(q);
        for (SealedSegment seg : segments) {
            scanned++;
            boolean fileInRange = seg.name().minTs() >= q.from() && seg.name().maxTs() < q.to();
            try (SegmentDecoder in = new SegmentDecoder(seg.path())) {
                LineReader lr = new LineReader(in);
                while (lr.next()) {
                    read++;
                    Row row = m.match(seg.name().stream(), lr.array(), lr.offset(), lr.length(), fileInRange);
                    if (row == null) continue;
                    long index = matched++;
                    if (index < q.offset()) continue; // before the page
                    boolean past = index >= pageEnd;
                    if (past && countAll) continue;
                    if (past || !visitor.visit(row)) return new Summary(scanned, pruned[0], read, matched, problems);
                }
                if (lr.tailBytes() > 0) problems.add(seg.path() + ": " + lr.tailBytes() + " bytes after the last newline");
                String sealProblem = SealTrailer.contentProblem(seg.path(), seg.name(), in.contentCrc());
                if (sealProblem != null) problems.add(seg.path() + ": " + sealProblem);
            } catch (NoSuchFileException e) {
                // uploaded or dropped between listing and reading: not a problem
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        return new Summary(scanned, pruned[0], read, matched, problems);
    }

    /**
     * Every raw line of one segment file, in order. Throws at the point the file stops decoding, and
     * at the end when the content disagrees with the file's seal trailer (after its lines were seen).
     */
    public static long lines(Path file, LineVisitor visitor) throws IOException {
        long n = 0;
        try (SegmentDecoder in = new SegmentDecoder(file)) {
            LineReader lr = new LineReader(in);
            while (lr.next()) {
                visitor.line(lr.array(), lr.offset(), lr.length());
                n++;
            }
            SegmentName name = SegmentName.tryParse(file.getFileName().toString());
            String problem = name == null ? null : SealTrailer.contentProblem(file, name, in.contentCrc());
            if (problem != null) throw new IOException(file + ": " + problem);
        }
        return n;
    }

    /** Applies a query's row filters to raw lines, reading only the fields it needs. */
    static final class RowMatcher {
        private final ScanQuery q;

        RowMatcher(ScanQuery q) {
            this.q = q;
        }

        Row match(String stream, byte[] b, int off, int len) {
            return match(stream, b, off, len, false);
        }

        /**
         * @param fileInRange the whole file lies in the query's time range (from its name), so a row
         *                    whose time cannot be read (no numeric {@code ts}) is in range too
         */
        Row match(String stream, byte[] b, int off, int len, boolean fileInRange) {
            if (q.textLower != null && !containsIgnoreCase(b, off, len, q.textLower)) return null;
            String name = null;
            long ts = Long.MIN_VALUE;
            Map<String, String> labels = null;
            try (JsonParser p = JsonLines.FACTORY.createParser(b, off, len)) {
                if (p.nextToken() != JsonToken.START_OBJECT) return null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("name".equals(field) && v == JsonToken.VALUE_STRING) name = p.getText();
                    else if ("ts".equals(field) && v == JsonToken.VALUE_NUMBER_INT) ts = p.getLongValue();
                    else if ("ts".equals(field) && v == JsonToken.VALUE_NUMBER_FLOAT) ts = (long) p.getDoubleValue();
                    else if ("labels".equals(field) && v == JsonToken.START_OBJECT && !q.labels().isEmpty()) {
                        labels = new HashMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String k = p.currentName();
                            if (p.nextToken() == JsonToken.VALUE_STRING) labels.put(k, p.getText());
                            else p.skipChildren();
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            } catch (IOException e) {
                return null; // not a JSON object: never matches
            }
            if (q.name() != null && !q.name().equals(name)) return null;
            if (ts != Long.MIN_VALUE && (ts < q.from() || ts >= q.to())) return null;
            if (ts == Long.MIN_VALUE && !fileInRange && (q.from() != Long.MIN_VALUE || q.to() != Long.MAX_VALUE)) return null;
            for (Map.Entry<String, String> e : q.labels().entrySet()) {
                if (labels == null || !e.getValue().equals(labels.get(e.getKey()))) return null;
            }
            return new Row(stream, new String(b, off, len, StandardCharsets.UTF_8), name, ts);
        }

        static boolean containsIgnoreCase(byte[] b, int off, int len, byte[] needle) {
            int n = needle.length;
            outer:
            for (int i = off, last = off + len - n; i <= last; i++) {
                for (int j = 0; j < n; j++) {
                    byte c = b[i + j];
                    if (c >= 'A' && c <= 'Z') c += 32;
                    if (c != needle[j]) continue outer;
                }
                return true;
            }
            return false;
        }
    }
}
