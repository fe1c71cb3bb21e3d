package dev.cistern.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The integrity record that ends every sealed file of format 2 (docs/format.md). After the last
 * compressed byte comes one line of ASCII text, framed so that the codec's own decoders skip it
 * ({@code brotli -d}, {@code zstd -d}, {@code gzip -d} included). Brotli: the writer flushes the
 * encoder (which byte-aligns the stream) and writes a metadata meta-block holding the line, then
 * the empty last meta-block that ends the stream. zstd: after the end of the frame, a skippable
 * frame holding the line. gzip: after the member, a second, empty member with the line as its file name:
 *
 * <pre>{@code cistern-seal 1 prefix_bytes=<19 digits> prefix_crc32c=<8 hex> content_crc32c=<8 hex> crc32c=<8 hex>\n}</pre>
 *
 * {@code prefix_bytes} and {@code prefix_crc32c} cover the file's bytes before the metadata block;
 * {@code content_crc32c} covers the decoded NDJSON; {@code crc32c} covers the line before it, so the
 * trailer cannot be damaged unnoticed either. The trailer has a fixed size, so a reader finds it at
 * the end of the file without decoding; {@code tail -c 112 FILE} shows it in a Brotli file,
 * {@code tail -c 111} in a zstd one. The prefix CRC alone
 * catches every single-bit flip, truncation and overwrite without decoding; the content CRC catches
 * what decodes to different bytes (Brotli has no checksum of its own).
 */
public final class SealTrailer {
    /** The format version (in segment names) from which every sealed file ends in a trailer. */
    public static final int SINCE_FORMAT = 2;
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern GRAMMAR = Pattern.compile("(cistern-seal 1 prefix_bytes=(\\d{19}) prefix_crc32c=([0-9a-f]{8})"
            + " content_crc32c=([0-9a-f]{8})) crc32c=([0-9a-f]{8})\n");
    private static final int PAYLOAD = withCrc(line(0, 0, 0)).length();
    /** A skippable frame's magic number (0x184D2A50-5F; C for Cistern), little-endian, then its length. */
    private static final int ZSTD_SKIPPABLE = 0x184D2A5C;
    private static final byte[][] HEAD = {metadataHeader(PAYLOAD), le32(ZSTD_SKIPPABLE, PAYLOAD),
        {0x1f, (byte) 0x8b, 8, 0x08 /* FNAME: DuckDB refuses FCOMMENT and FEXTRA */, 0, 0, 0, 0, 0, (byte) 0xff}};
    private static final byte[][] TAIL = {
        {0x03}, // Brotli: ISLAST=1, ISLASTEMPTY=1, then zero fill bits: the end of the stream
        {},
        {0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0}}; // gzip: the name's end, an empty final deflate block, CRC-32 0, length 0
    /** Bytes the trailer adds to a Brotli file ({@link #size(Codec)} for the others). */
    public static final int SIZE = size(Codec.BROTLI);
    private static final int BUFFER = 1 << 16;

    private SealTrailer() {}

    /** What a trailer records. */
    public record Seal(long prefixBytes, int prefixCrc, int contentCrc) {}

    /**
     * A structural check of a file: trailer present and whole, prefix length and CRC as recorded.
     * {@code fileCrc} is the CRC32C of the whole file as read (what S3's {@code x-amz-checksum-crc32c} carries).
     */
    public record Check(Seal seal, int fileCrc, QuarantineReason reason, String problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    /** Whether files of this name must end in a trailer. */
    public static boolean expected(SegmentName name) {
        return name.format() >= SINCE_FORMAT;
    }

    /** Bytes the trailer adds to a file of this codec. */
    public static int size(Codec codec) {
        return HEAD[codec.ordinal()].length + PAYLOAD + TAIL[codec.ordinal()].length;
    }

    /** The Brotli trailer for a prefix of {@code prefixBytes} bytes with these CRCs (public: tools and tests write sealed files). */
    public static byte[] encode(long prefixBytes, int prefixCrc, int contentCrc) {
        return encode(Codec.BROTLI, prefixBytes, prefixCrc, contentCrc);
    }

    /** The trailer bytes of a file of this codec. */
    public static byte[] encode(Codec codec, long prefixBytes, int prefixCrc, int contentCrc) {
        byte[] payload = withCrc(line(prefixBytes, prefixCrc, contentCrc)).getBytes(StandardCharsets.US_ASCII);
        byte[] framed = framed(codec, ZSTD_SKIPPABLE, payload);
        if (codec != Codec.BROTLI) return framed;
        byte[] end = TAIL[Codec.BROTLI.ordinal()]; // the trailer ends the Brotli stream
        return ByteBuffer.allocate(framed.length + end.length).put(framed).put(end).array();
    }

    /**
     * A line of ASCII framed the way the trailer is, so the codec's decoders skip it: a Brotli metadata block, a zstd
     * skippable frame with this magic number, an empty gzip member with the line as its name. Other records
     * ({@link LevelRecord}) use it too. A Brotli frame does not end the stream: only the trailer's does.
     */
    static byte[] framed(Codec codec, int zstdMagic, byte[] payload) {
        byte[] head = switch (codec) {
            case BROTLI -> metadataHeader(payload.length);
            case ZSTD -> le32(zstdMagic, payload.length);
            case GZIP -> HEAD[Codec.GZIP.ordinal()];
        };
        byte[] tail = codec == Codec.BROTLI ? new byte[0] : TAIL[codec.ordinal()];
        return ByteBuffer.allocate(head.length + payload.length + tail.length).put(head).put(payload).put(tail).array();
    }

    private static byte[] le32(int a, int b) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(a).putInt(b).array();
    }

    /**
     * RFC 7932 section 9.2, bits from the least significant: ISLAST=0, MNIBBLES code 3 (metadata),
     * reserved 0, MSKIPBYTES=1, MSKIPLEN-1 in 8 bits, zero fill to the byte boundary.
     */
    static byte[] metadataHeader(int length) {
        if (length < 1 || length > 256) throw new IllegalArgumentException("one-byte skip length only: " + length);
        int bits = (3 << 1) | (1 << 4) | ((length - 1) << 6);
        return new byte[] {(byte) bits, (byte) (bits >>> 8)};
    }

    /** The Brotli trailer at the end of these bytes (the last {@link #SIZE} of a file), or null when they hold none. */
    static Seal decode(byte[] tail) {
        return decode(Codec.BROTLI, tail);
    }

    /** The trailer of a file of this codec at the end of these bytes (its last {@link #size} bytes), or null. */
    static Seal decode(Codec codec, byte[] tail) {
        byte[] head = HEAD[codec.ordinal()];
        byte[] end = TAIL[codec.ordinal()];
        if (tail.length != size(codec)
                || !Arrays.equals(tail, 0, head.length, head, 0, head.length)
                || !Arrays.equals(tail, tail.length - end.length, tail.length, end, 0, end.length)) {
            return null;
        }
        Matcher m = GRAMMAR.matcher(new String(tail, head.length, PAYLOAD, StandardCharsets.US_ASCII));
        if (!m.matches() || !withCrc(m.group(1)).equals(m.group())) return null;
        return new Seal(Long.parseLong(m.group(2)), Integer.parseUnsignedInt(m.group(3), 16),
                Integer.parseUnsignedInt(m.group(4), 16));
    }

    /**
     * The line before its CRC. Not with {@code String.format}: its first use loads the locale data, 10-13 ms of a
     * decoding thread at the end of a tool's first file.
     */
    private static String line(long prefixBytes, int prefixCrc, int contentCrc) {
        if (prefixBytes < 0) throw new IllegalArgumentException("prefix bytes " + prefixBytes);
        String digits = Long.toString(prefixBytes);
        return "cistern-seal 1 prefix_bytes=" + "0".repeat(19 - digits.length()) + digits + " prefix_crc32c="
                + HEX.toHexDigits(prefixCrc) + " content_crc32c=" + HEX.toHexDigits(contentCrc);
    }

    /** The line with its own CRC32C appended. */
    private static String withCrc(String line) {
        CRC32C crc = new CRC32C();
        crc.update(line.getBytes(StandardCharsets.US_ASCII));
        return line + " crc32c=" + HEX.toHexDigits((int) crc.getValue()) + "\n";
    }

    /** Reads the trailer only (no CRC): a check cheap enough for every sealed file at startup. */
    public static Check readTrailer(Path file) throws IOException {
        Codec codec = Codec.of(file);
        int trailerSize = size(codec);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Check mismatch = CodecCheck.mismatch(ch, codec, 0);
            if (mismatch != null) return mismatch;
            if (size < trailerSize) return missing(codec, 0, size);
            ByteBuffer tail = ByteBuffer.allocate(trailerSize);
            while (tail.hasRemaining() && ch.read(tail, size - trailerSize + tail.position()) > 0) {
                // a short read repeats at the next position
            }
            Seal seal = decode(codec, tail.array());
            if (seal == null) return missing(codec, 0, size);
            if (seal.prefixBytes() != size - trailerSize) return sizeMismatch(codec, seal, 0, size);
            return new Check(seal, 0, null, null);
        }
    }

    /** Reads the whole file: trailer, prefix length and CRC, and the whole file's CRC. Does not decode. */
    public static Check check(Path file) throws IOException {
        Codec codec = Codec.of(file);
        int trailerSize = size(codec);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            CRC32C prefix = new CRC32C();
            CRC32C whole = new CRC32C();
            ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
            ByteBuffer tail = ByteBuffer.allocate(trailerSize);
            long size = ch.size();
            long pos = 0;
            for (int n; (n = ch.read(buf.clear(), pos)) > 0; pos += n) {
                buf.flip();
                whole.update(buf.duplicate());
                keepTail(tail, buf.duplicate());
                long prefixLeft = Math.max(0, (size - trailerSize) - pos);
                if (prefixLeft > 0) prefix.update(buf.limit((int) Math.min(n, prefixLeft)));
            }
            int fileCrc = (int) whole.getValue();
            Check mismatch = CodecCheck.mismatch(ch, codec, fileCrc);
            if (mismatch != null) return mismatch;
            if (pos < trailerSize || tail.position() < trailerSize) return missing(codec, fileCrc, pos);
            Seal seal = decode(codec, tail.array());
            if (seal == null) return missing(codec, fileCrc, pos);
            if (seal.prefixBytes() != pos - trailerSize) return sizeMismatch(codec, seal, fileCrc, pos);
            int crc = (int) prefix.getValue();
            if (crc != seal.prefixCrc()) {
                return new Check(seal, fileCrc, QuarantineReason.CHECKSUM_MISMATCH, String.format(
                        "the CRC32C of its %d compressed bytes is %08x, its seal says %08x: the file changed after sealing",
                        seal.prefixBytes(), crc, seal.prefixCrc()));
            }
            return new Check(seal, fileCrc, null, null);
        }
    }

    /** A problem when decoded content does not match the file's trailer, else null. Reads the trailer. */
    static String contentProblem(Path file, SegmentName name, int decodedCrc) throws IOException {
        if (!expected(name)) return null;
        Check t = readTrailer(file);
        if (!t.ok()) return t.problem();
        if (t.seal().contentCrc() == decodedCrc) return null;
        return String.format("the CRC32C of its decoded content is %08x, its seal says %08x", decodedCrc, t.seal().contentCrc());
    }

    /** Keeps the last SIZE bytes seen in {@code tail} (as a sliding window). */
    private static void keepTail(ByteBuffer tail, ByteBuffer chunk) {
        int n = chunk.remaining();
        int size = tail.capacity();
        if (n >= size) {
            tail.clear();
            tail.put(chunk.position(chunk.limit() - size));
            return;
        }
        int drop = Math.max(0, tail.position() + n - size);
        if (drop > 0) {
            tail.flip().position(drop);
            tail.compact();
        }
        tail.put(chunk);
    }

    private static Check missing(Codec codec, int fileCrc, long size) {
        return new Check(null, fileCrc, QuarantineReason.MISSING_CHECKSUM, "no intact seal trailer in its last " + size(codec)
                + " bytes (" + size + " bytes long): truncated, extended or overwritten after sealing");
    }

    private static Check sizeMismatch(Codec codec, Seal seal, int fileCrc, long size) {
        return new Check(seal, fileCrc, QuarantineReason.CHECKSUM_MISMATCH, "its seal records " + seal.prefixBytes()
                + " compressed bytes, the file has " + (size - size(codec)) + " before the seal");
    }
}
