package dev.cistern.spool;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Decodes a zstd file with bounded memory, for {@link SegmentDecoder}: frames one after another
 * (skippable frames, such as the seal trailer, are skipped by zstd itself). The file may end only
 * between frames; anywhere else it is truncated, after everything decodable was returned.
 */
final class ZstdSource implements SegmentDecoder.Source {
    private static final int BUFFER = 128 << 10;

    private final Path path;
    private final FileChannel in;
    private final ZstdDecompressCtx ctx = new ZstdDecompressCtx();
    private final ByteBuffer input = ByteBuffer.allocateDirect(BUFFER).flip();
    private final ByteBuffer output = ByteBuffer.allocateDirect(BUFFER).flip();
    private boolean eof;
    private boolean inFrame;
    private long decoded;

    ZstdSource(Path path) throws IOException {
        this.path = path;
        try {
            this.in = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (!output.hasRemaining()) {
            if (!input.hasRemaining() && !eof) {
                input.clear();
                eof = in.read(input) < 0;
                input.flip();
            }
            if (eof && !input.hasRemaining() && !inFrame) return -1;
            output.clear();
            try {
                // true once a frame is complete and all its output is out
                inFrame = !ctx.decompressDirectByteBufferStream(output, input);
            } catch (ZstdException e) {
                output.limit(0);
                throw new SegmentDecoder.CorruptException(path + ": not a valid zstd stream after " + decoded
                        + " decoded bytes (" + e.getMessage() + ")");
            }
            output.flip();
            if (eof && inFrame && !input.hasRemaining() && !output.hasRemaining()) {
                throw new SegmentDecoder.TruncatedException(path + ": truncated after " + decoded + " decoded bytes");
            }
        }
        int n = Math.min(len, output.remaining());
        output.get(b, off, n);
        decoded += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } finally {
            ctx.close();
        }
    }
}
