package dev.cistern.spool;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Decodes a gzip file with bounded memory, for {@link SegmentDecoder}: members one after another (the
 * seal trailer is an empty member), each checked against its CRC-32 and length by the JDK.
 */
final class GzipSource implements SegmentDecoder.Source {
    private static final int BUFFER = 64 << 10;

    private final Path path;
    private final InputStream file;
    private GZIPInputStream in;
    private boolean started;
    private long decoded;

    GzipSource(Path path) throws IOException {
        this.path = path;
        this.file = Files.newInputStream(path);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            if (!started) {
                started = true;
                in = new GZIPInputStream(file, BUFFER); // reads the first header
            }
            int n = in.read(b, off, len);
            if (n > 0) decoded += n;
            return n;
        } catch (EOFException e) {
            throw new SegmentDecoder.TruncatedException(path + ": truncated after " + decoded + " decoded bytes");
        } catch (ZipException e) {
            throw new SegmentDecoder.CorruptException(path + ": not a valid gzip stream after " + decoded
                    + " decoded bytes (" + e.getMessage() + ")");
        }
    }

    @Override
    public void close() throws IOException {
        if (in != null) in.close();
        else file.close();
    }
}
