package dev.cistern.spool;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A zstd encoder writing straight to a file channel through direct buffers (no heap copy of the
 * output). One frame per segment, with zstd's own content checksum; a flush ends a block so the
 * file so far decodes, and the end of the frame is followed by the seal trailer as a skippable frame.
 */
final class ZstdSink extends CompressingSink {
    /** zstd's own input block size (ZSTD_CStreamInSize): the encoder is fed whole blocks. */
    static final int INPUT_BUFFER = 128 << 10;
    /** Enough for a compressed block (ZSTD_CStreamOutSize is a little over 128 KiB). */
    private static final int OUTPUT_BUFFER = (128 << 10) + 1024;

    private final ZstdCompressCtx ctx = new ZstdCompressCtx();
    private final ByteBuffer input = ByteBuffer.allocateDirect(INPUT_BUFFER);
    private final ByteBuffer output = ByteBuffer.allocateDirect(OUTPUT_BUFFER);

    ZstdSink(FileChannel out, int level, int longWindow) {
        super(out, CodecSettings.zstd(level, longWindow));
        try {
            ctx.setLevel(level).setChecksum(true);
            if (longWindow > 0) ctx.setLong(longWindow);
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    @Override
    ByteBuffer input() {
        return input;
    }

    @Override
    void inputFull() throws IOException {
        run(EndDirective.CONTINUE);
    }

    @Override
    void flush() throws IOException {
        run(EndDirective.FLUSH);
    }

    @Override
    void end() throws IOException {
        run(EndDirective.END);
    }

    /** Feeds all buffered input; with FLUSH or END, until the encoder says everything is out. */
    private void run(EndDirective op) throws IOException {
        input.flip();
        try {
            boolean done;
            do {
                output.clear();
                done = ctx.compressDirectByteBufferStream(output, input, op);
                output.flip();
                if (output.hasRemaining()) emit(output);
            } while (input.hasRemaining() || (op != EndDirective.CONTINUE && !done));
        } catch (ZstdException e) {
            throw new IOException("zstd encoder failed: " + e.getMessage(), e);
        } finally {
            input.clear();
        }
    }

    @Override
    void release() {
        ctx.close();
    }
}
