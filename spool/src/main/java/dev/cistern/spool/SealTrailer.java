package dev.cistern.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The integrity record that ends every sealed file of format 2 (docs/format.md). After the last
 * compressed byte the writer flushes the encoder (which byte-aligns the stream) and writes a Brotli
 * metadata meta-block, which every decoder skips ({@code brotli -d} included), holding one line of
 * ASCII text, then the empty last meta-block that ends the stream:
 *
 * <pre>{@code cistern-seal 1 prefix_bytes=<19 digits> prefix_crc32c=<8 hex> content_crc32c=<8 hex> crc32c=<8 hex>\n}</pre>
 *
 * {@code prefix_bytes} and {@code prefix_crc32c} cover the file's bytes before the metadata block;
 * {@code content_crc32c} covers the decoded NDJSON; {@code crc32c} covers the line before it, so the
 * trailer cannot be damaged unnoticed either. The trailer has a fixed size, so a reader finds it at
 * the end of the file without decoding, and {@code tail -c 112 FILE} shows it. The prefix CRC alone
 * catches every single-bit flip, truncation and overwrite without decoding; the content CRC catches
 * what decodes to different bytes (Brotli has no checksum of its own).
 */
public final class SealTrailer {
    /** The format version (in segment names) from which every sealed file ends in a trailer. */
    public static final int SINCE_FORMAT = 2;
    private static final String TEMPLATE = "cistern-seal 1 prefix_bytes=%019d prefix_crc32c=%08x content_crc32c=%08x";
    private static final Pattern GRAMMAR = Pattern.compile("(cistern-seal 1 prefix_bytes=(\\d{19}) prefix_crc32c=([0-9a-f]{8})"
            + " content_crc32c=([0-9a-f]{8})) crc32c=([0-9a-f]{8})\n");
    private static final int PAYLOAD = withCrc(String.format(TEMPLATE, 0L, 0, 0)).length();
    private static final byte[] HEADER = metadataHeader(PAYLOAD);
    /** ISLAST=1, ISLASTEMPTY=1, then zero fill bits: the end of a Brotli stream. */
    private static final byte LAST_EMPTY = 0x03;
    /** Bytes the trailer adds to a file. */
    public static final int SIZE = HEADER.length + PAYLOAD + 1;
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

    /** The trailer bytes for a prefix of {@code prefixBytes} bytes with these CRCs (public for tools and tests that write sealed files). */
    public static byte[] encode(long prefixBytes, int prefixCrc, int contentCrc) {
        byte[] payload = withCrc(String.format(TEMPLATE, prefixBytes, prefixCrc, contentCrc)).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put(HEADER).put(payload).put(LAST_EMPTY);
        return b.array();
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

    /** The trailer at the end of these bytes (the last {@link #SIZE} of a file), or null when they hold none. */
    static Seal decode(byte[] tail) {
        if (tail.length != SIZE || tail[SIZE - 1] != LAST_EMPTY || tail[0] != HEADER[0] || tail[1] != HEADER[1]) return null;
        Matcher m = GRAMMAR.matcher(new String(tail, HEADER.length, PAYLOAD, StandardCharsets.US_ASCII));
        if (!m.matches() || !withCrc(m.group(1)).equals(m.group())) return null;
        return new Seal(Long.parseLong(m.group(2)), Integer.parseUnsignedInt(m.group(3), 16),
                Integer.parseUnsignedInt(m.group(4), 16));
    }

    /** The line with its own CRC32C appended. */
    private static String withCrc(String line) {
        CRC32C crc = new CRC32C();
        crc.update(line.getBytes(StandardCharsets.US_ASCII));
        return line + String.format(" crc32c=%08x\n", (int) crc.getValue());
    }

    /** Reads the trailer only (no CRC): a check cheap enough for every sealed file at startup. */
    public static Check readTrailer(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < SIZE) return missing(0, size);
            ByteBuffer tail = ByteBuffer.allocate(SIZE);
            while (tail.hasRemaining() && ch.read(tail, size - SIZE + tail.position()) > 0) {
                // a short read repeats at the next position
            }
            Seal seal = decode(tail.array());
            if (seal == null) return missing(0, size);
            if (seal.prefixBytes() != size - SIZE) return sizeMismatch(seal, 0, size);
            return new Check(seal, 0, null, null);
        }
    }

    /** Reads the whole file: trailer, prefix length and CRC, and the whole file's CRC. Does not decode. */
    public static Check check(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            CRC32C prefix = new CRC32C();
            CRC32C whole = new CRC32C();
            ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
            ByteBuffer tail = ByteBuffer.allocate(SIZE);
            long size = ch.size();
            long pos = 0;
            for (int n; (n = ch.read(buf.clear())) > 0; pos += n) {
                buf.flip();
                whole.update(buf.duplicate());
                keepTail(tail, buf.duplicate());
                long prefixLeft = Math.max(0, (size - SIZE) - pos);
                if (prefixLeft > 0) prefix.update(buf.limit((int) Math.min(n, prefixLeft)));
            }
            int fileCrc = (int) whole.getValue();
            if (pos < SIZE || tail.position() < SIZE) return missing(fileCrc, pos);
            Seal seal = decode(tail.array());
            if (seal == null) return missing(fileCrc, pos);
            if (seal.prefixBytes() != pos - SIZE) return sizeMismatch(seal, fileCrc, pos);
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
        if (n >= SIZE) {
            tail.clear();
            tail.put(chunk.position(chunk.limit() - SIZE));
            return;
        }
        int drop = Math.max(0, tail.position() + n - SIZE);
        if (drop > 0) {
            tail.flip().position(drop);
            tail.compact();
        }
        tail.put(chunk);
    }

    private static Check missing(int fileCrc, long size) {
        return new Check(null, fileCrc, QuarantineReason.MISSING_CHECKSUM, "no intact seal trailer in its last " + SIZE
                + " bytes (" + size + " bytes long): truncated, extended or overwritten after sealing");
    }

    private static Check sizeMismatch(Seal seal, int fileCrc, long size) {
        return new Check(seal, fileCrc, QuarantineReason.CHECKSUM_MISMATCH, "its seal records " + seal.prefixBytes()
                + " compressed bytes, the file has " + (size - SIZE) + " before the seal");
    }
}
