package dev.cistern.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Runs when a spool opens, before anything is written. Each temp file a crash left in
 * {@code active/} is salvaged: its readable prefix is decoded (in the codec its name ends in), complete
 * lines are resealed under the same id and codec, the torn tail is dropped and counted. What cannot be read goes to
 * quarantine. No file can stop startup: every failure is confined to that file.
 */
final class Recovery {
    private static final Logger LOG = Logger.getLogger(Recovery.class.getName());
    /** Suffix of the temp file a salvage writes; a crash mid-salvage leaves it, and it is redone. */
    static final String SALVAGE = ".salvage";

    private final SpoolLayout layout;
    private final SpoolConfig config;
    private final Quarantine quarantine;
    private final List<RecoveryReport.Event> events = new ArrayList<>();
    private int salvaged;
    private long rowsSalvaged;
    private long tornBytes;
    private long badLines;
    private int removed;
    private int quarantined;
    private final Set<String> discardedStreams = new TreeSet<>();
    private final List<Path> discards = new ArrayList<>(); // deleted by deleteDiscarded, once the ledger says they were

    Recovery(SpoolLayout layout, SpoolConfig config) {
        this.layout = layout;
        this.config = config;
        this.quarantine = new Quarantine(layout);
    }

    RecoveryReport run() throws IOException {
        Set<String> sealedIds = checkSealedNames();
        List<Path> temps;
        try (Stream<Path> s = Files.list(layout.active())) {
            temps = s.sorted().toList();
        }
        for (Path temp : temps) {
            String name = temp.getFileName().toString();
            if (isSalvage(name)) {
                Files.deleteIfExists(temp); // an interrupted salvage; its source is still here and is redone
            }
        }
        for (Path temp : temps) {
            if (isSalvage(temp.getFileName().toString()) || !Files.exists(temp)) continue;
            try {
                recoverTemp(temp, sealedIds);
            } catch (IOException | RuntimeException e) {
                quarantine(temp, SpoolLayout.streamOfTemp(temp.getFileName().toString()),
                        QuarantineReason.UNDECODABLE, "salvage failed: " + e);
            }
        }
        return new RecoveryReport(salvaged, rowsSalvaged, tornBytes, badLines, removed, quarantined,
                Set.copyOf(discardedStreams), List.copyOf(events));
    }

    /**
     * Deletes the temp files of a journal-fed spool that {@link #run} found (their streams are in the report). The spool
     * first records in its ledger that those streams are owed the entries the files held ({@link JournalProgress}).
     */
    void deleteDiscarded() throws IOException {
        for (Path temp : discards) Files.deleteIfExists(temp);
        discards.clear();
    }

    /** Whether this is the temp file of an interrupted salvage, e.g. {@code <stream>.<id>.salvage.json.zst.tmp}. */
    static boolean isSalvage(String fileName) {
        Codec c = Codec.ofFileName(fileName);
        return c != null && fileName.endsWith(SALVAGE + c.tempSuffix());
    }

    /** Quarantines sealed files whose names do not parse or that are empty; returns the ids present. */
    private Set<String> checkSealedNames() throws IOException {
        Set<String> ids = new HashSet<>();
        for (Path f : TreeFiles.under(layout.sealed())) {
            SegmentName name = SegmentName.tryParse(f.getFileName().toString());
            if (name == null) {
                String stream = layout.sealed().relativize(f).getName(0).toString();
                quarantine(f, stream, QuarantineReason.UNRECOGNISED_NAME, "not a sealed segment name");
                continue;
            }
            long size = sizeOrGone(f);
            if (size == GONE) {
                ids.add(name.id()); // sealed, then shipped by an uploader beside us: its temp file is not salvaged again
            } else if (size == 0) {
                quarantine(f, name.stream(), QuarantineReason.EMPTY, "zero-length sealed file");
            } else if (!checkTrailer(f, name)) {
                // quarantined; its id is not sealed, so a temp file of the same id is salvaged again
            } else {
                ids.add(name.id());
            }
        }
        return ids;
    }

    private static final long GONE = -1;

    /** A file's size, or {@link #GONE} once an uploader beside us (another process) has moved or deleted it. */
    private static long sizeOrGone(Path f) throws IOException {
        try {
            return Files.size(f);
        } catch (NoSuchFileException e) {
            return GONE;
        }
    }

    /**
     * The cheap half of a sealed file's integrity check: its trailer is there and records the file's
     * length (truncated, extended or garbage files fail). The uploader checks the CRCs before it ships.
     */
    private boolean checkTrailer(Path f, SegmentName name) {
        if (!SealTrailer.expected(name)) return true;
        SealTrailer.Check c;
        try {
            c = SealTrailer.readTrailer(f);
        } catch (NoSuchFileException e) {
            return true; // shipped by an uploader beside us since it was listed
        } catch (IOException e) {
            event(f, "left in place", "could not read its seal trailer (the uploader checks it again): " + e);
            return true;
        }
        if (c.ok()) return true;
        quarantine(f, name.stream(), c.reason(), c.problem());
        return false;
    }

    private void recoverTemp(Path temp, Set<String> sealedIds) throws IOException {
        String fileName = temp.getFileName().toString();
        String stream = SpoolLayout.streamOfTemp(fileName);
        Codec codec = Codec.ofFileName(fileName);
        int idEnd = codec == null ? -1 : fileName.length() - codec.tempSuffix().length();
        String id = stream == null || idEnd <= stream.length() + 1 ? null : fileName.substring(stream.length() + 1, idEnd);
        if (id == null || !id.matches("[0-9a-f]{20}")) {
            quarantine(temp, stream, QuarantineReason.UNRECOGNISED_NAME, "not a temp segment name");
            return;
        }
        if (sealedIds.contains(id)) {
            remove(temp, "already sealed as id " + id); // the rename was durable, this is a stale copy
            return;
        }
        if (config.replayedFromJournal()) {
            discards.add(temp); // its rows are replayed from the journal; salvaging would duplicate them
            removed++;
            discardedStreams.add(stream);
            event(temp, "discarded", "open segment of stream " + stream + ", replayed from the journal");
            return;
        }
        if (Files.size(temp) == 0) {
            remove(temp, "empty temp file");
            return;
        }
        salvage(temp, stream, id, codec);
    }

    /** Reseals the complete lines of a temp file under its own id; a temp file with none is removed or quarantined. */
    private void salvage(Path temp, String stream, String id, Codec codec) throws IOException {
        long fallbackTs = Files.getLastModifiedTime(temp).toMillis();
        Path out = layout.active().resolve(stream + '.' + id + SALVAGE + codec.tempSuffix());
        // the codec the file was written in, whatever the stream is configured with now
        CodecSettings configured = config.codec(stream);
        CodecSettings settings = configured.codec() == codec ? configured
                : CodecSettings.of(codec, null, null, CodecSettings.brotli(config.quality(), config.window()));
        Segment seg = Segment.create(layout, stream, id, out, settings);
        Salvage s;
        try {
            s = copyReadableRows(temp, seg, fallbackTs);
        } catch (IOException | RuntimeException e) {
            seg.abandon();
            Files.deleteIfExists(out);
            throw e;
        }
        tornBytes += s.tornBytes();
        badLines += s.badLines();
        if (s.rows() == 0) {
            seg.abandon();
            Files.deleteIfExists(out);
            if (s.ending() == Ending.CORRUPT) {
                quarantine(temp, stream, QuarantineReason.UNDECODABLE, "no readable rows");
            } else {
                remove(temp, "no complete rows (" + s.ending() + ", " + s.tornBytes() + " torn bytes dropped)");
            }
            return;
        }
        SealedSegment sealed = seg.seal();
        Files.delete(temp);
        Fsync.directory(layout.active());
        salvaged++;
        rowsSalvaged += s.rows();
        event(temp, "salvaged", s.rows() + " rows into " + sealed.name().fileName() + " (" + s.ending() + ", "
                + s.tornBytes() + " torn bytes and " + s.badLines() + " bad lines dropped)");
    }

    /** How a temp file's compressed stream ended when it was read for salvage. */
    private enum Ending {
        COMPLETE, TRUNCATED, CORRUPT;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT); // as recovery events word it
        }
    }

    /** What a salvage read: rows copied, lines dropped as not JSON objects, bytes of a torn last line. */
    private record Salvage(long rows, long badLines, long tornBytes, Ending ending) {}

    /** Copies each complete, valid line of the temp file into the segment, up to where the file stops decoding. */
    private static Salvage copyReadableRows(Path temp, Segment seg, long fallbackTs) throws IOException {
        long rows = 0;
        long bad = 0;
        Ending ending = Ending.COMPLETE;
        try (SegmentDecoder in = new SegmentDecoder(temp)) {
            LineReader lr = new LineReader(in);
            RowBuffer row = new RowBuffer(1 << 12);
            try {
                while (lr.next()) {
                    try {
                        long ts = JsonLines.validate(lr.array(), lr.offset(), lr.length(), fallbackTs);
                        row.clear();
                        row.write(lr.array(), lr.offset(), lr.length());
                        row.write('\n');
                        seg.countRow(ts, row.size());
                        seg.write(row.array(), 0, row.size());
                        rows++;
                    } catch (InvalidRowException e) {
                        bad++;
                    }
                }
            } catch (SegmentDecoder.TruncatedException e) {
                ending = Ending.TRUNCATED;
            } catch (SegmentDecoder.CorruptException e) {
                ending = Ending.CORRUPT;
            }
            return new Salvage(rows, bad, lr.tailBytes(), ending);
        }
    }

    private void remove(Path temp, String why) throws IOException {
        Files.delete(temp);
        removed++;
        event(temp, "removed", why);
    }

    private void quarantine(Path file, String stream, QuarantineReason reason, String detail) {
        try {
            Path to = quarantine.move(file, stream, reason, detail);
            quarantined++;
            event(file, "quarantined", reason + ": " + detail + " -> " + to);
        } catch (IOException e) {
            event(file, "left in place", "could not quarantine (" + reason + ", " + detail + "): " + e);
        }
    }

    private void event(Path file, String action, String detail) {
        RecoveryReport.Event e = new RecoveryReport.Event(file, action, detail);
        events.add(e);
        LOG.warning("recovery: " + e);
    }
}
