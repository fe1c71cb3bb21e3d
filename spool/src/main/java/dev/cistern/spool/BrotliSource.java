package dev.cistern.spool;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Decodes a Brotli file with bounded memory, for {@link SegmentDecoder}. Everything that decodes is
 * returned before a problem is reported, so a torn file yields its readable prefix.
 */
final class BrotliSource implements SegmentDecoder.Source {
    static {
        Brotli4jLoader.ensureAvailability();
    }

    private static final int BUFFER = 1 << 16;

    private final FileChannel in;
    private final Path path;
    private DecoderJNI.Wrapper decoder;
    private ByteBuffer input;
    private ByteBuffer output;
    private long decodedBytes;
    private boolean eof;
    private boolean done;
    // The decoder drops what it decoded from a chunk once it hits an error in it. So after an error,
    // the file is decoded again with the failing chunk fed in smaller pieces (down to single bytes,
    // shrinking 256-fold per error), skipping what was already returned.
    private long pushedFrom;
    private int pushedBytes;
    private long slowFrom = -1;
    private long slowTo = -1;
    private int pieceSize;
    private long skip;
    // After output is taken the decoder may say it needs input while it still holds some.
    private boolean pulled;

    BrotliSource(Path path) throws IOException {
        this.path = path;
        this.in = FileChannel.open(path, StandardOpenOption.READ);
        try {
            this.decoder = new DecoderJNI.Wrapper(BUFFER);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        this.input = decoder.getInputBuffer();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (output == null || !output.hasRemaining()) {
            output = null;
            if (done) return -1;
            if (!advance()) return -1;
            if (skip > 0) {
                int s = (int) Math.min(skip, output.remaining());
                output.position(output.position() + s);
                skip -= s;
            }
        }
        int n = Math.min(len, output.remaining());
        output.get(b, off, n);
        decodedBytes += n;
        return n;
    }

    /** Moves the decoder forward until it has output or the stream ends; false at a clean end. */
    private boolean advance() throws IOException {
        while (true) {
            switch (decoder.getStatus()) {
                case DONE -> {
                    if (decoder.hasOutput()) {
                        output = pull();
                        return true;
                    }
                    done = true;
                    if (!eof && hasMoreFileBytes()) {
                        throw new SegmentDecoder.CorruptException(path + ": bytes after the end of the Brotli stream");
                    }
                    return false;
                }
                case OK -> decoder.push(0);
                case NEEDS_MORE_OUTPUT -> {
                    output = pull();
                    return true;
                }
                case NEEDS_MORE_INPUT -> {
                    if (decoder.hasOutput()) {
                        output = pull();
                        return true;
                    }
                    if (pulled) {
                        // Let it finish what it was given before feeding it more, or calling the file short.
                        pulled = false;
                        decoder.push(0);
                        continue;
                    }
                    input.clear();
                    long pos = in.position();
                    if (pos >= slowFrom && pos < slowTo) input.limit((int) Math.min(pieceSize, slowTo - pos));
                    else if (pos < slowFrom) input.limit((int) Math.min(input.capacity(), slowFrom - pos));
                    int n = eof ? -1 : in.read(input);
                    if (n < 0) {
                        eof = true;
                        throw new SegmentDecoder.TruncatedException(path + ": truncated after " + decodedBytes + " decoded bytes");
                    }
                    pushedFrom = pos;
                    pushedBytes = n;
                    decoder.push(n);
                }
                case ERROR -> {
                    if (pushedBytes <= 1) {
                        throw new SegmentDecoder.CorruptException(path + ": not a valid Brotli stream (after " + decodedBytes
                                + " decoded bytes)");
                    }
                    decodeAgainUpToTheError();
                }
            }
        }
    }

    /** Restarts decoding from the start of the file, so the chunk that failed is fed in smaller pieces. */
    private void decodeAgainUpToTheError() throws IOException {
        slowFrom = pushedFrom;
        slowTo = pushedFrom + pushedBytes;
        pieceSize = Math.max(1, pushedBytes / 256);
        skip = decodedBytes;
        decoder.destroy();
        decoder = new DecoderJNI.Wrapper(BUFFER);
        input = decoder.getInputBuffer();
        in.position(0);
        eof = false;
        pulled = false;
    }

    private ByteBuffer pull() {
        pulled = true;
        return decoder.pull();
    }

    private boolean hasMoreFileBytes() throws IOException {
        return in.position() < in.size();
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } finally {
            decoder.destroy();
        }
    }
}
