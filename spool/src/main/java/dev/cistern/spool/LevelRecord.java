package dev.cistern.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a sealed file was compressed, one line of ASCII just before its {@link SealTrailer} and framed the same
 * way, so every decoder skips it (docs/format.md): a Brotli metadata block, a zstd skippable frame (magic
 * 0x184D2A5B), an empty gzip member with the line as its name:
 *
 * <pre>{@code cistern-level brotli level=05 window=22\n}</pre>
 *
 * With adaptive quality files of one stream differ, and {@code cistern stats} reads this to show the mix
 * without decoding. It lies inside the prefix the trailer's {@code prefix_bytes} and CRC cover, so a reader
 * that predates it checks and decodes the file as before. Files sealed before it have none ({@link #UNKNOWN}).
 */
public final class LevelRecord {
    /** What {@link #read} returns for a file without a level record. */
    public static final int UNKNOWN = -1;
    private static final int ZSTD_SKIPPABLE = 0x184D2A5B;
    private static final String TEMPLATE = "cistern-level %s level=%02d window=%02d\n";
    private static final Pattern GRAMMAR = Pattern.compile("cistern-level ([a-z]+) level=(\\d\\d) window=(\\d\\d)\n");

    private LevelRecord() {}

    static byte[] encode(CodecSettings s) {
        byte[] line = String.format(TEMPLATE, s.codec().configName(), s.level(), s.window()).getBytes(StandardCharsets.US_ASCII);
        return SealTrailer.framed(s.codec(), ZSTD_SKIPPABLE, line);
    }

    /** Bytes the record adds to a file of this codec (all levels and windows have two digits). */
    static int size(Codec codec) {
        return encode(new CodecSettings(codec, codec == Codec.BROTLI ? 10 : 1, codec == Codec.BROTLI ? 10 : 0)).length;
    }

    /** The level a sealed file was compressed at, or {@link #UNKNOWN} when it records none. Reads only those bytes. */
    public static int read(Path file) throws IOException {
        Codec codec = Codec.of(file);
        int size = size(codec);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long at = ch.size() - SealTrailer.size(codec) - size;
            if (at < 0) return UNKNOWN;
            ByteBuffer b = ByteBuffer.allocate(size);
            while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
                // a short read repeats at the next position
            }
            return decode(codec, b.array());
        }
    }

    /** The level in a record of this codec, or {@link #UNKNOWN} when the bytes are not exactly one. */
    static int decode(Codec codec, byte[] b) {
        Matcher m = GRAMMAR.matcher(new String(b, StandardCharsets.US_ASCII)); // one char per byte: offsets kept
        if (!m.find() || !m.group(1).equals(codec.configName())) return UNKNOWN;
        int level = Integer.parseInt(m.group(2));
        try {
            return Arrays.equals(encode(new CodecSettings(codec, level, Integer.parseInt(m.group(3)))), b) ? level : UNKNOWN;
        } catch (IllegalArgumentException e) {
            return UNKNOWN; // a level or window the codec does not have
        }
    }
}
