package dev.cistern.spool;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.aayushatharva.brotli4j.encoder.EncoderJNI;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * A Brotli encoder writing straight to a file channel: input is copied once into the encoder's
 * native buffer and compressed output goes from native memory to the file without a heap copy.
 */
final class BrotliSink implements AutoCloseable {
    static {
        Brotli4jLoader.ensureAvailability();
    }

    /**
     * Just under 1 MiB. Quality 0-1 compress each pushed block on its own: blocks near 1 MiB measured
     * 20% smaller and faster than 64 KiB. Brotli also picks its match finder for quality 4-9 from
     * the size of the first block it is given: 1 MiB or more selects the "large input" hashers. A
     * flush can make the first block small at any time, so blocks always stay under 1 MiB and every
     * segment gets the same hashers, which also measured faster: at quality 4, 20% faster for a 5%
     * lower ratio; at quality 5, 5% faster for a 0.4% lower ratio (docs/benchmarks.md).
     */
    static final int INPUT_BUFFER = (1 << 20) - (1 << 10);

    private final EncoderJNI.Wrapper encoder;
    private final int quality;
    private final int window;
    private final ByteBuffer input;
    private final FileChannel out;
    private final CRC32C contentCrc = new CRC32C();
    private final CRC32C compressedCrc = new CRC32C();
    private long compressedBytes;
    private boolean closed;

    BrotliSink(FileChannel out, int quality, int window) throws IOException {
        this.out = out;
        this.quality = quality;
        this.window = window;
        this.encoder = new EncoderJNI.Wrapper(INPUT_BUFFER, quality, window, Encoder.Mode.TEXT);
        this.input = encoder.getInputBuffer();
    }

    /** Compresses bytes; output reaches the file as the encoder produces it. */
    void write(byte[] b, int off, int len) throws IOException {
        contentCrc.update(b, off, len);
        while (len > 0) {
            int n = Math.min(len, input.remaining());
            input.put(b, off, n);
            off += n;
            len -= n;
            if (!input.hasRemaining()) run(EncoderJNI.Operation.PROCESS);
        }
    }

    /** Emits everything written so far as a byte-aligned, decodable prefix (does not fsync). */
    void flush() throws IOException {
        run(EncoderJNI.Operation.FLUSH);
    }

    /**
     * Ends the Brotli stream with a {@link LevelRecord} and a {@link SealTrailer}: a flush byte-aligns what was
     * compressed, then the level's and the trailer's metadata blocks and the empty last meta-block are written
     * in place of the encoder's end. The level record is part of the prefix the trailer covers.
     */
    void finish() throws IOException {
        run(EncoderJNI.Operation.FLUSH);
        ByteBuffer level = ByteBuffer.wrap(LevelRecord.encode(quality, window));
        compressedCrc.update(level.duplicate());
        while (level.hasRemaining()) compressedBytes += out.write(level);
        byte[] trailer = SealTrailer.encode(compressedBytes, (int) compressedCrc.getValue(), (int) contentCrc.getValue());
        ByteBuffer b = ByteBuffer.wrap(trailer);
        while (b.hasRemaining()) compressedBytes += out.write(b);
    }

    long compressedBytes() {
        return compressedBytes;
    }

    private void run(EncoderJNI.Operation op) throws IOException {
        int pending = input.position();
        boolean pushed = false;
        while (true) {
            if (!encoder.isSuccess()) throw new IOException("brotli encoder failed");
            if (encoder.hasMoreOutput()) {
                ByteBuffer chunk = encoder.pull();
                compressedCrc.update(chunk.duplicate());
                while (chunk.hasRemaining()) compressedBytes += out.write(chunk);
            } else if (encoder.hasRemainingInput()) {
                encoder.push(op, 0);
            } else if (!pushed) {
                encoder.push(op, pending);
                pushed = true;
            } else if (op == EncoderJNI.Operation.FINISH && !encoder.isFinished()) {
                encoder.push(op, 0);
            } else {
                input.clear();
                return;
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            encoder.destroy();
        }
    }
}
