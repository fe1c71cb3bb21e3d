package dev.cistern.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How a segment's NDJSON is compressed. The file suffix names it, so every reader picks the decoder
 * from the name alone ({@link SegmentName#codec()}). Brotli is the default: smallest on the uplink.
 * zstd and gzip are what query engines read natively (docs/format.md, "Codecs").
 */
public enum Codec {
    BROTLI("brotli", ".json.br", "br"),
    ZSTD("zstd", ".json.zst", "zstd"),
    GZIP("gzip", ".json.gz", "gzip");

    private final String configName;
    private final String suffix;
    private final String contentEncoding;

    Codec(String configName, String suffix, String contentEncoding) {
        this.configName = configName;
        this.suffix = suffix;
        this.contentEncoding = contentEncoding;
    }

    /** The name in config files and on the command line: brotli, zstd, gzip. */
    public String configName() { return configName; }

    /** The sealed file suffix, e.g. {@code .json.zst}. */
    public String suffix() { return suffix; }

    /** The HTTP {@code Content-Encoding} token for this codec (RFC 9110 and IANA registry). */
    public String contentEncoding() { return contentEncoding; }

    /** Suffix of an open segment's temp file in {@code active/}, e.g. {@code .json.zst.tmp}. */
    String tempSuffix() { return suffix + SpoolLayout.TEMP_SUFFIX_END; }

    /** The codec of a config value, or null when it names none. */
    public static Codec ofConfigName(String name) {
        if (name == null) return null;
        for (Codec c : values()) if (c.configName.equals(name.toLowerCase(Locale.ROOT))) return c;
        return null;
    }

    /** The codec a file's name ends in (sealed or temp), or null when it ends in none. */
    public static Codec ofFileName(String fileName) {
        String n = fileName.endsWith(SpoolLayout.TEMP_SUFFIX_END)
                ? fileName.substring(0, fileName.length() - SpoolLayout.TEMP_SUFFIX_END.length()) : fileName;
        for (Codec c : values()) if (n.endsWith(c.suffix)) return c;
        return null;
    }

    /** The codec of a file by its name; Brotli for names without a codec suffix (what files had before codecs). */
    static Codec of(Path file) {
        Codec c = ofFileName(file.getFileName().toString());
        return c == null ? BROTLI : c;
    }

    /** The codec whose magic number these first bytes carry; Brotli has none, so anything else counts as Brotli. */
    static Codec sniff(byte[] head, int length) {
        if (length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
                && (head[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) return GZIP;
        return BROTLI;
    }

    /** A compressor writing straight to {@code out}, with this codec's {@link SealTrailer} at {@link CompressingSink#finish()}. */
    CompressingSink sink(FileChannel out, CodecSettings s) throws IOException {
        return switch (this) {
            case BROTLI -> new BrotliSink(out, s.level(), s.window());
            case ZSTD -> new ZstdSink(out, s.level(), s.window());
            case GZIP -> new GzipSink(out, s.level());
        };
    }

    /** A decoder of the file's compressed stream (see {@link SegmentDecoder} for how it ends). */
    SegmentDecoder.Source decoder(Path file) throws IOException {
        return switch (this) {
            case BROTLI -> new BrotliSource(file);
            case ZSTD -> new ZstdSource(file);
            case GZIP -> new GzipSource(file);
        };
    }
}
