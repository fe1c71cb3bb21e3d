package dev.cistern.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * A compressor writing straight to a segment's file channel, whatever the codec. It keeps the CRCs
 * a {@link SealTrailer} records (of the compressed bytes and of the content) and ends the file with a
 * {@link LevelRecord} and the trailer.
 */
abstract class CompressingSink implements AutoCloseable {
    private final FileChannel out;
    private final CodecSettings settings;
    private final CRC32C contentCrc = new CRC32C();
    private final CRC32C compressedCrc = new CRC32C();
    private long compressedBytes;
    private boolean closed;

    CompressingSink(FileChannel out, CodecSettings settings) {
        this.out = out;
        this.settings = settings;
    }

    /** Compresses bytes; output reaches the file as the encoder produces it. */
    final void write(byte[] b, int off, int len) throws IOException {
        contentCrc.update(b, off, len);
        compress(b, off, len);
    }

    /** Emits everything written so far as a byte-aligned, decodable prefix (does not fsync). */
    abstract void flush() throws IOException;

    /** Ends the compressed stream, then writes the {@link LevelRecord} (part of the prefix) and the codec's {@link SealTrailer}. */
    final void finish() throws IOException {
        end();
        emit(ByteBuffer.wrap(LevelRecord.encode(settings)));
        byte[] trailer = SealTrailer.encode(settings.codec(), compressedBytes, (int) compressedCrc.getValue(), (int) contentCrc.getValue());
        ByteBuffer b = ByteBuffer.wrap(trailer);
        while (b.hasRemaining()) compressedBytes += out.write(b);
    }

    final long compressedBytes() {
        return compressedBytes;
    }

    /** By default bytes are copied into the encoder's {@link #input()} buffer, compressed each time it fills. */
    void compress(byte[] b, int off, int len) throws IOException {
        ByteBuffer input = input();
        while (len > 0) {
            int n = Math.min(len, input.remaining());
            input.put(b, off, n);
            off += n;
            len -= n;
            if (!input.hasRemaining()) inputFull();
        }
    }

    /** The encoder's (native) input buffer, for the default {@link #compress}. */
    ByteBuffer input() {
        throw new UnsupportedOperationException();
    }

    /** Compresses a full {@link #input()} buffer and empties it. */
    void inputFull() throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Completes the compressed stream so that the trailer can follow it. */
    abstract void end() throws IOException;

    /** Frees the encoder (native memory for Brotli and zstd). */
    abstract void release();

    /** Writes compressed bytes (the chunk's remaining ones) to the file, counted in the prefix CRC. */
    final void emit(ByteBuffer chunk) throws IOException {
        int start = chunk.position();
        compressedCrc.update(chunk);
        chunk.position(start);
        while (chunk.hasRemaining()) compressedBytes += out.write(chunk);
    }

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }
}
