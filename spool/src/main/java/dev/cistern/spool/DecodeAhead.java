package dev.cistern.spool;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A segment's decoded bytes, decoded on a thread of their own a few chunks ahead of the reader, so
 * decoding one block and filtering or writing the one before overlap on two cores, as in
 * {@code brotli -dc | grep}. Memory stays bounded: chunks come from a pool shared by one scan's
 * segments ({@link #pool}) and return to it. What decodes before a failure is read before the
 * failure is thrown. The decoder is only touched by the thread until it ends, and {@link #close}
 * waits for that, so the caller may then read its CRC or close it.
 */
final class DecodeAhead extends InputStream {
    private static final int CHUNK = 1 << 18;
    private static final int CHUNKS = 3;

    /** One chunk's bytes, or the end of the stream ({@code length < 0}), or what ended it. */
    private record Filled(byte[] bytes, int length, Throwable failure) {}

    private final SegmentDecoder in;
    private final BlockingQueue<byte[]> free;
    private final BlockingQueue<Filled> full = new ArrayBlockingQueue<>(CHUNKS + 1); // every chunk and an end: never full
    private final Thread decoder;
    private Filled current;
    private int taken;

    /** Chunks for one scan's segments, one segment at a time. */
    static BlockingQueue<byte[]> pool() {
        BlockingQueue<byte[]> pool = new ArrayBlockingQueue<>(CHUNKS);
        for (int i = 0; i < CHUNKS; i++) pool.add(new byte[CHUNK]);
        return pool;
    }

    DecodeAhead(SegmentDecoder in, BlockingQueue<byte[]> pool) {
        this.in = in;
        this.free = pool;
        this.decoder = new Thread(this::decode, "cistern-decode");
        decoder.setDaemon(true);
        decoder.start();
    }

    private void decode() {
        byte[] chunk = null;
        try {
            while (true) {
                chunk = free.take();
                int n = 0;
                int r = 0;
                Throwable failure = null;
                try {
                    while (n < chunk.length && (r = in.read(chunk, n, chunk.length - n)) >= 0) n += r;
                } catch (IOException | RuntimeException | Error e) {
                    failure = e;
                }
                if (n > 0) full.add(new Filled(chunk, n, null)); // what decoded before a failure comes first
                else free.add(chunk);
                chunk = null;
                if (failure != null || r < 0) {
                    full.add(new Filled(null, -1, failure));
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed by the reader
        } finally {
            if (chunk != null) free.add(chunk);
        }
    }

    @Override
    public int read() throws IOException {
        return available(1) ? current.bytes[taken++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (!available(len)) return -1;
        int n = Math.min(len, current.length - taken);
        System.arraycopy(current.bytes, taken, b, off, n);
        taken += n;
        return n;
    }

    /** Whether a chunk with bytes left is at hand (waiting for one); false at the end; throws what ended the stream. */
    private boolean available(int wanted) throws IOException {
        while (current == null || current.length >= 0 && taken == current.length) {
            if (current != null) free.add(current.bytes);
            current = null;
            try {
                current = full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for " + wanted + " decoded bytes");
            }
            taken = 0;
        }
        if (current.failure != null) throw rethrow(current.failure);
        return current.length >= 0;
    }

    private static IOException rethrow(Throwable t) {
        if (t instanceof IOException e) return e;
        if (t instanceof RuntimeException e) throw e;
        throw (Error) t;
    }

    /** Stops the decoding thread and waits for it; every chunk goes back to the pool. */
    @Override
    public void close() throws IOException {
        decoder.interrupt();
        boolean interrupted = false;
        while (decoder.isAlive()) { // the caller closes the decoder next: the thread must be out of it
            try {
                decoder.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (current != null && current.bytes != null) free.add(current.bytes);
        current = null;
        for (Filled f; (f = full.poll()) != null; ) if (f.bytes != null) free.add(f.bytes);
        if (interrupted) Thread.currentThread().interrupt();
    }
}
