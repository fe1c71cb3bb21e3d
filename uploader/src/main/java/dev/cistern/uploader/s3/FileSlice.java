package dev.cistern.uploader.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * One part of a file as a request body, read from disk as it is sent (never held in memory) and
 * re-readable from its start when the SDK asks for a fresh stream.
 */
final class FileSlice implements ContentStreamProvider, AutoCloseable {
    private final Path file;
    private final long offset;
    private final long length;
    private SliceStream open;

    FileSlice(Path file, long offset, long length) {
        this.file = file;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public synchronized InputStream newStream() {
        close();
        try {
            open = new SliceStream(FileChannel.open(file, StandardOpenOption.READ), offset, length);
            return open;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public String name() {
        return "FileSlice";
    }

    @Override
    public synchronized void close() {
        if (open != null) {
            try {
                open.close();
            } catch (IOException ignored) {
                // closing a read-only channel
            }
            open = null;
        }
    }

    private static final class SliceStream extends InputStream {
        private final FileChannel ch;
        private long position;
        private final long end;

        SliceStream(FileChannel ch, long offset, long length) {
            this.ch = ch;
            this.position = offset;
            this.end = offset + length;
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
            long left = end - position;
            if (left <= 0) return -1;
            int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, left)), position);
            if (n < 0) throw new IOException("file ended before the part did (at byte " + position + ")");
            position += n;
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, end - position);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
