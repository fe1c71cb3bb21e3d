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
 * How a sealed file was compressed, in a Brotli metadata meta-block just before its {@link SealTrailer}
 * (docs/format.md), one line of ASCII that every decoder skips:
 *
 * <pre>{@code cistern-level brotli quality=05 window=22\n}</pre>
 *
 * With adaptive quality files of one stream differ, and {@code cistern stats} reads this to show the mix
 * without decoding. It lies inside the prefix the trailer's {@code prefix_bytes} and CRC cover, so a reader
 * that predates it checks and decodes the file as before. Files sealed before it have none ({@link #UNKNOWN}).
 */
public final class LevelRecord {
    /** What {@link #read} returns for a file without a level record. */
    public static final int UNKNOWN = -1;
    private static final String TEMPLATE = "cistern-level brotli quality=%02d window=%02d\n";
    private static final Pattern GRAMMAR = Pattern.compile("cistern-level brotli quality=(\\d\\d) window=(\\d\\d)\n");
    private static final int PAYLOAD = String.format(TEMPLATE, 0, 0).length();
    private static final byte[] HEADER = SealTrailer.metadataHeader(PAYLOAD);
    /** Bytes the record adds to a file. */
    static final int SIZE = HEADER.length + PAYLOAD;

    private LevelRecord() {}

    static byte[] encode(int quality, int window) {
        byte[] b = Arrays.copyOf(HEADER, SIZE);
        byte[] line = String.format(TEMPLATE, quality, window).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(line, 0, b, HEADER.length, line.length);
        return b;
    }

    /** The quality a sealed file was compressed at, or {@link #UNKNOWN} when it records none. Reads only those bytes. */
    public static int read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long at = ch.size() - SealTrailer.SIZE - SIZE;
            if (at < 0) return UNKNOWN;
            ByteBuffer b = ByteBuffer.allocate(SIZE);
            while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
                // a short read repeats at the next position
            }
            return decode(b.array());
        }
    }

    static int decode(byte[] b) {
        if (b.length != SIZE || b[0] != HEADER[0] || b[1] != HEADER[1]) return UNKNOWN;
        Matcher m = GRAMMAR.matcher(new String(b, HEADER.length, PAYLOAD, StandardCharsets.US_ASCII));
        return m.matches() ? Integer.parseInt(m.group(1)) : UNKNOWN;
    }
}
