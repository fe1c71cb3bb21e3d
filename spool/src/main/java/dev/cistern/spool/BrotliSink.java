package dev.cistern.spool;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.aayushatharva.brotli4j.encoder.EncoderJNI;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A Brotli encoder writing straight to a file channel: input is copied once into the encoder's
 * native buffer and compressed output goes from native memory to the file without a heap copy.
 */
final class BrotliSink extends CompressingSink {
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
    private final ByteBuffer input;

    BrotliSink(FileChannel out, int quality, int window) throws IOException {
        super(out, CodecSettings.brotli(quality, window));
        this.encoder = new EncoderJNI.Wrapper(INPUT_BUFFER, quality, window, Encoder.Mode.TEXT);
        this.input = encoder.getInputBuffer();
    }

    @Override
    ByteBuffer input() {
        return input;
    }

    @Override
    void inputFull() throws IOException {
        run(EncoderJNI.Operation.PROCESS);
    }

    @Override
    void flush() throws IOException {
        run(EncoderJNI.Operation.FLUSH);
    }

    /**
     * A flush byte-aligns what was compressed; the trailer's metadata block and the empty last
     * meta-block that follow it end the stream in place of the encoder's own end.
     */
    @Override
    void end() throws IOException {
        run(EncoderJNI.Operation.FLUSH);
    }

    /**
     * Runs {@code op} over what is in the input buffer. A flush is done only when a push with no input gives
     * no output: with all input consumed and all output pulled, the encoder can still owe the end of the
     * flush (measured: 11-13 bytes when the stream had just passed a multiple of 16 MiB at quality 4 and up;
     * without them the stream ended mid meta-block and did not decode, BrotliSinkFlushTest).
     */
    private void run(EncoderJNI.Operation op) throws IOException {
        int pending = input.position();
        boolean pushed = false;
        boolean quiet = false; // the last push with no input gave no output
        while (true) {
            if (!encoder.isSuccess()) throw new IOException("brotli encoder failed");
            if (encoder.hasMoreOutput()) {
                emit(encoder.pull());
                quiet = false;
            } else if (encoder.hasRemainingInput()) {
                encoder.push(op, 0);
            } else if (!pushed) {
                encoder.push(op, pending);
                pushed = true;
            } else if (op == EncoderJNI.Operation.FINISH && !encoder.isFinished()) {
                encoder.push(op, 0);
            } else if (op == EncoderJNI.Operation.FLUSH && !quiet) {
                encoder.push(op, 0);
                quiet = true;
            } else {
                input.clear();
                return;
            }
        }
    }

    @Override
    void release() {
        encoder.destroy();
    }
}
