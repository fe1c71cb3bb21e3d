package dev.cistern.spool;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Streams the decoded bytes of a segment file with bounded memory, in the codec its name ends in
 * ({@link Codec#of}). Everything that decodes is returned before a problem is reported, so a torn
 * file yields its readable prefix: a truncated stream ends with {@link TruncatedException}, a
 * corrupt one (or trailing bytes after the end of the stream) with {@link CorruptException}.
 */
final class SegmentDecoder extends InputStream {

    /** A codec's decoder: {@link #read} returns -1 at the clean end of the stream, and throws as described above. */
    interface Source extends Closeable {
        int read(byte[] b, int off, int len) throws IOException;
    }

    /** The file ends before the compressed stream does. */
    static final class TruncatedException extends IOException {
        TruncatedException(String message) { super(message); }
    }

    /** The bytes are not a valid stream of the file's codec. */
    static final class CorruptException extends IOException {
        CorruptException(String message) { super(message); }
    }

    private final Path path;
    private final Source source;
    private final CRC32C crc = new CRC32C();
    private long decodedBytes;

    SegmentDecoder(Path path) throws IOException {
        this(path, Codec.of(path));
    }

    SegmentDecoder(Path path, Codec codec) throws IOException {
        this.path = path;
        this.source = codec.decoder(path);
    }

    /** The file this reads. */
    Path path() {
        return path;
    }

    /** Uncompressed bytes returned so far. */
    long decodedBytes() {
        return decodedBytes;
    }

    /** CRC32C of the bytes returned so far (compared with a {@link SealTrailer}'s content CRC at the end). */
    int contentCrc() {
        return (int) crc.getValue();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        int n = source.read(b, off, len);
        if (n > 0) {
            crc.update(b, off, n);
            decodedBytes += n;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
