package dev.cistern.spool;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Decodes a scan's segments on one thread of its own, a few blocks of whole rows ahead of the thread that
 * filters and writes them, as {@code brotli -dc | grep} runs on two cores. One thread for the whole scan,
 * so its native decoders come from one malloc arena, and a fixed pool of {@link #BUFFERS} blocks, so
 * memory stays flat however many files are read. The reader {@link #take}s, in order: each segment
 * (a {@link SealedSegment}), its {@link Block}s (to {@link #release} when done with), and an {@link End}
 * with the segment's problems; null after the last segment.
 */
final class DecodeAhead implements AutoCloseable {
    private static final int BUFFERS = 4;
    private static final Object DONE = new Object();

    /**
     * Whole lines {@code array[start, end)}, each ending in a newline; {@code rows} of them when counted here (for a
     * reader busy searching: this thread has time to spare then), else -1.
     */
    record Block(byte[] array, int start, int end, long rows) {}

    /** A segment read to its end, or to where it stopped decoding: what went wrong (nothing when all is well). */
    record End(List<String> problems) {}

    /** The decoding thread failed outside any one file's decoding (a native library that does not load). */
    private record Failure(Throwable cause) {}

    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
    private final List<SealedSegment> segments;
    private final boolean countRows;
    private final Thread thread;
    private volatile boolean closed;

    /** @param countRows each block's rows are counted on the decoding thread */
    DecodeAhead(List<SealedSegment> segments, boolean countRows) {
        this.segments = segments;
        this.countRows = countRows;
        for (int i = 0; i < BUFFERS; i++) free.add(new byte[LineBlocks.BLOCK]);
        this.thread = new Thread(this::decodeAll, "cistern-decode-ahead");
        thread.setDaemon(true);
        thread.start();
    }

    /** The next item, waiting for it; null when every segment has been read. */
    Object take() throws InterruptedIOException {
        Object item;
        try {
            item = items.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading segments");
        }
        if (item == DONE) return null;
        if (item instanceof Failure f) {
            if (f.cause() instanceof RuntimeException r) throw r;
            if (f.cause() instanceof Error err) throw err;
            throw new IllegalStateException(f.cause());
        }
        return item;
    }

    /** Gives a block's array back for decoding into; a grown one is swapped for one of the usual size. */
    void release(Block block) {
        free.add(block.array().length > LineBlocks.BLOCK ? new byte[LineBlocks.BLOCK] : block.array());
    }

    private void decodeAll() {
        try {
            for (SealedSegment seg : segments) {
                if (closed) return;
                items.put(seg);
                items.put(new End(decode(seg)));
            }
            items.put(DONE);
        } catch (InterruptedException e) {
            // closed by the reader
        } catch (Throwable t) {
            if (!closed) items.add(new Failure(t));
        }
    }

    /** Puts the segment's blocks; returns its problems. */
    private List<String> decode(SealedSegment seg) throws InterruptedException {
        List<String> problems = new ArrayList<>(2);
        byte[] buffer = free.take();
        try (SegmentDecoder in = new SegmentDecoder(seg.path())) {
            LineBlocks blocks = new LineBlocks(in, buffer);
            while (blocks.next()) {
                long rows = countRows ? Bytes.count(blocks.array(), blocks.start(), blocks.end(), (byte) '\n') : -1;
                Block full = new Block(blocks.array(), blocks.start(), blocks.end(), rows);
                buffer = blocks.carryInto(free.take());
                items.put(full);
            }
            if (blocks.tailBytes() > 0) problems.add(seg.path() + ": " + blocks.tailBytes() + " bytes after the last newline");
            String sealProblem = SealTrailer.contentProblem(seg.path(), seg.name(), in.contentCrc());
            if (sealProblem != null) problems.add(seg.path() + ": " + sealProblem);
        } catch (NoSuchFileException e) {
            // uploaded or dropped between listing and reading: not a problem
        } catch (IOException e) {
            if (closed) throw new InterruptedException();
            problems.add(e.getMessage());
        } finally {
            free.add(buffer.length > LineBlocks.BLOCK ? new byte[LineBlocks.BLOCK] : buffer);
        }
        return problems;
    }

    /** Stops the decoding thread (the reader stopped early, or is done) and waits for it to close its file. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
