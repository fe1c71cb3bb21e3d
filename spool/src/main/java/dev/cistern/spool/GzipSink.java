package dev.cistern.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip (RFC 1952) member written with the JDK's Deflater straight to a file channel: a fixed
 * header, the deflate stream (a sync flush makes the file so far decodable), the member's CRC-32
 * and length; then the seal trailer as a second, empty member that carries it as its comment.
 */
final class GzipSink extends CompressingSink {
    /** ID1 ID2 CM=deflate FLG=0 MTIME=0 (none, so equal content gives equal bytes) XFL=0 OS=255 (unknown). */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final int OUTPUT_BUFFER = 64 << 10;

    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private final ByteBuffer output = ByteBuffer.allocateDirect(OUTPUT_BUFFER);
    private long length;

    GzipSink(FileChannel out, int level) throws IOException {
        super(out, CodecSettings.gzip(level));
        this.deflater = new Deflater(level, true);
        emit(ByteBuffer.wrap(HEADER));
    }

    @Override
    void compress(byte[] b, int off, int len) throws IOException {
        crc.update(b, off, len);
        length += len;
        deflater.setInput(b, off, len);
        while (!deflater.needsInput()) drain(Deflater.NO_FLUSH);
    }

    @Override
    void flush() throws IOException {
        // a sync flush ends in an empty stored block; the output buffer filling up means there may be more
        while (drain(Deflater.SYNC_FLUSH) == OUTPUT_BUFFER) {
            // keep draining
        }
    }

    @Override
    void end() throws IOException {
        deflater.finish();
        while (!deflater.finished()) drain(Deflater.NO_FLUSH);
        ByteBuffer t = output.clear();
        t.put(le32((int) crc.getValue())).put(le32((int) length)).flip();
        emit(t);
    }

    private int drain(int flush) throws IOException {
        output.clear();
        int n = deflater.deflate(output, flush);
        output.flip();
        if (n > 0) emit(output);
        return n;
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    @Override
    void release() {
        deflater.end();
    }
}
