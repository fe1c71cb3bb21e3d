package dev.cistern.spool;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
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

    /** Sees each matching row's JSON line as bytes (no newline), valid only during the call; returns false to stop the scan. */
    @FunctionalInterface
    public interface MatchVisitor {
        boolean match(String stream, byte[] array, int offset, int length) throws IOException;
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
        out.sort(Scanner::byTimeThenId);
    }

    /** Oldest first; a lambda of our own, archived with the tools' classes (Comparator.comparing's are made at each start). */
    private static int byTimeThenId(SealedSegment a, SealedSegment b) {
        int c = Long.compare(a.name().minTs(), b.name().minTs());
        return c != 0 ? c : a.name().id().compareTo(b.name().id());
    }

    private void listSegments(Path root, ScanQuery q, List<SealedSegment> out, int[] pruned, Set<String> ids)
            throws IOException {
        if (!Files.isDirectory(root)) return;
        List<Path> streamDirs;
        try (Stream<Path> s = Files.list(root)) {
            streamDirs = s.filter(p -> q.wantsStream(p.getFileName().toString())).sorted().toList();
        }
        for (Path dir : streamDirs) {
            for (Path f : TreeFiles.under(dir, 3)) {
                if (isSegmentFile(f)) add(f, q, out, pruned, ids);
            }
        }
    }

    private static void listFiles(Path root, ScanQuery q, List<SealedSegment> out, int[] pruned, Set<String> ids)
            throws IOException {
        if (!Files.isDirectory(root)) {
            add(root, q, out, pruned, ids);
            return;
        }
        for (Path f : TreeFiles.under(root)) {
            if (isSegmentFile(f)) add(f, q, out, pruned, ids);
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
     * Rows are filtered on their bytes, then parsed: a {@link Row} is built only for a match, and a
     * line that is not a JSON object (a corrupted file's) never matches.
     */
    public Summary scan(ScanQuery q, RowVisitor visitor) throws IOException {
        RowFilter filter = new RowFilter(q, true);
        return run(q, new SegmentScan(q, () -> new RowFilter(q, true),
                (stream, b, off, len) -> visitor.visit(filter.row(stream, b, off, len)), null, false, true));
    }

    /**
     * As {@link #scan}, giving each matching row as the bytes of its JSON line (no newline), valid
     * only during the call: nothing is allocated per row, for callers that count, copy or search.
     * Rows no filter looks at are given as they decode, unchecked: a corrupted file's lines too (the
     * file is reported in {@link Summary#problems()}).
     */
    public Summary scanBytes(ScanQuery q, MatchVisitor visitor) throws IOException {
        return run(q, new SegmentScan(q, () -> new RowFilter(q, false), visitor, null, false, true));
    }

    /**
     * Writes the query's page of matching rows to {@code out}, each with its newline, in time order;
     * whole blocks of rows in one write when no filter needs to look at them. Reads on past the page
     * to count every match ({@link Summary#matched()}), as {@link #page} does. An error writing to
     * {@code out} is thrown; a segment that cannot be read is a problem in the summary.
     */
    public Summary copy(ScanQuery q, OutputStream out) throws IOException {
        return copy(q, out, true);
    }

    /**
     * As {@link #copy(ScanQuery, OutputStream)}; without {@code count} and with no offset or limit, rows are not
     * counted where no filter looks at them (the summary's {@code rowsRead} and {@code matched} are -1): for a caller
     * that only wants the bytes, such as {@code cistern cat}.
     */
    public Summary copy(ScanQuery q, OutputStream out, boolean count) throws IOException {
        return run(q, new SegmentScan(q, () -> new RowFilter(q, false), null, out, true, count));
    }

    /** One page of matches (the query's offset and limit), with the total number of matches. */
    public ScanPage page(ScanQuery q) throws IOException {
        List<Row> rows = new ArrayList<>();
        RowFilter filter = new RowFilter(q, true);
        Summary s = run(q, new SegmentScan(q, () -> new RowFilter(q, true),
                (stream, b, off, len) -> rows.add(filter.row(stream, b, off, len)), null, true, true));
        return new ScanPage(rows, s.matched(), q.offset(), q.limit(), s.filesScanned(), s.filesPruned(), s.problems());
    }

    private Summary run(ScanQuery q, SegmentScan scan) throws IOException {
        List<SealedSegment> segments = new ArrayList<>();
        int[] pruned = new int[1];
        listSegments(q, segments, pruned);
        try {
            return scan.run(segments, pruned[0]);
        } catch (SegmentScan.OutputException e) {
            throw e.getCause();
        }
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
}
