package dev.cistern.spool;

import java.nio.file.Path;

/** Where things live under a spool directory. See docs/format.md. */
public final class SpoolLayout {
    public static final String ACTIVE = "active";
    public static final String SEALED = "sealed";
    public static final String UPLOADED = "uploaded";
    public static final String QUARANTINE = "quarantine";
    public static final String JOURNAL = "journal";
    /** What every temp file name ends in, after its codec's suffix. */
    static final String TEMP_SUFFIX_END = ".tmp";
    /** A Brotli segment's temp file suffix. */
    static final String TEMP_SUFFIX = ".json.br" + TEMP_SUFFIX_END;

    private final Path root;

    public SpoolLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() { return root; }
    public Path active() { return root.resolve(ACTIVE); }
    public Path sealed() { return root.resolve(SEALED); }
    public Path uploaded() { return root.resolve(UPLOADED); }
    public Path quarantine() { return root.resolve(QUARANTINE); }
    public Path journal() { return root.resolve(JOURNAL); }
    public Path lockFile() { return root.resolve(".lock"); }

    public Path sealedStream(String stream) {
        return sealed().resolve(StreamName.check(stream));
    }

    /** {@code sealed/<stream>/dt=YYYY-MM-DD/hour=HH/<name>} */
    public Path sealedPath(SegmentName name) {
        return sealedStream(name.stream()).resolve(name.partition()).resolve(name.fileName());
    }

    /** The same relative place under {@code uploaded/}. */
    public Path uploadedPath(SegmentName name) {
        return uploaded().resolve(name.stream()).resolve(name.partition()).resolve(name.fileName());
    }

    /** {@code active/<stream>.<id>.json.br.tmp} (or .json.zst.tmp, .json.gz.tmp) */
    Path tempPath(String stream, String id, Codec codec) {
        return active().resolve(StreamName.check(stream) + '.' + id + codec.tempSuffix());
    }

    /** The stream a temp file belongs to, or null when the name is not one of ours. */
    static String streamOfTemp(String tempFileName) {
        if (Codec.ofFileName(tempFileName) == null || !tempFileName.endsWith(TEMP_SUFFIX_END)) return null;
        int dot = tempFileName.indexOf('.');
        if (dot <= 0) return null;
        String stream = tempFileName.substring(0, dot);
        return StreamName.isValid(stream) ? stream : null;
    }
}
