package dev.cistern.spool;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Decodes a scan's segments on threads of their own, ahead of the thread that pages and writes them, and finds each
 * block's matching rows there too ({@link BlockMatcher}), so decoding and filtering run on every core. A segment is
 * one Brotli stream, decoded start to end by one thread; so with {@link #decoders()} threads, thread k decodes
 * segments k, k + n, k + 2n..., and while the reader takes one segment's rows the next segment's thread decodes
 * ahead into a pool of its own, at most
 * {@link #aheadBlocks} blocks: memory stays flat however many files are read. The reader {@link #take}s, in order:
 * each segment (a {@link SealedSegment}), its {@link Block}s (to {@link #release} when done with), and an
 * {@link End} with the segment's problems; null after the last segment.
 */
final class DecodeAhead implements AutoCloseable {
    /** With one decoder, the reader and the decoder take turns on a few blocks: more would not go faster. */
    private static final int ONE_DECODER_BLOCKS = 4;
    /** More decoders than this gain little: the one reader writes every matching row. */
    private static final int MAX_DECODERS = 4;
    /** Decoded rows held ahead by all decoders together, at most: a segment's worth, so its thread keeps busy. */
    private static final long AHEAD_BYTES = 64L << 20;

    /**
     * Whole lines {@code array[start, end)}, each ending in a newline, and which of them match the scan's query (found
     * on the decoding thread, so filters run on every core, or by the reader for the last thread decoding: null until
     * {@link #take} fills them in); {@code decoder} the pool the array goes back to.
     */
    record Block(byte[] array, int start, int end, BlockMatcher.Matches matches, int decoder) {}

    /** A segment read to its end, or to where it stopped decoding: what went wrong (nothing when all is well). */
    record End(List<String> problems) {}

    /** The decoding thread failed outside any one file's decoding (a native library that does not load). */
    private record Failure(Throwable cause) {}

    private final List<SealedSegment> segments;
    private final Supplier<BlockMatcher> matchers;
    private final Decoder[] decoders;
    private final boolean gather;
    private int reading; // the segment the reader is in
    private final AtomicInteger decoding; // decoding threads with segments left
    private SealedSegment segment; // the reader's
    private BlockMatcher readerMatcher; // for blocks left unmatched
    private SealedSegment readerSegment;
    private long matchedHere;
    private volatile boolean closed;

    /** @param matchers a matcher for each decoding thread (a filter keeps state), finding each block's matching rows */
    DecodeAhead(List<SealedSegment> segments, Supplier<BlockMatcher> matchers) {
        this(segments, matchers, decoders());
    }

    DecodeAhead(List<SealedSegment> segments, Supplier<BlockMatcher> matchers, int decoderCount) {
        this(segments, matchers, decoderCount, -1);
    }

    DecodeAhead(List<SealedSegment> segments, Supplier<BlockMatcher> matchers, int decoderCount, int blocksEach) {
        this(segments, matchers, decoderCount, blocksEach, false);
    }

    /**
     * {@code blocks}: each decoder's share ahead, or -1 for {@link #aheadBlocks} of this heap; {@code gather}: the
     * matching rows of blocks not matched whole are copied together ({@link MatchedRows}), for a reader that only
     * writes them out (rows of one block then come in more than one, and blocks without a match in none).
     */
    DecodeAhead(List<SealedSegment> segments, Supplier<BlockMatcher> matchers, int decoderCount, int blocksEach, boolean gather) {
        this.segments = segments;
        this.matchers = matchers;
        this.gather = gather;
        int n = Math.max(1, Math.min(decoderCount, segments.size()));
        int blocks = blocksEach > 0 ? blocksEach : aheadBlocks(n, Runtime.getRuntime().maxMemory());
        this.decoders = new Decoder[n];
        this.decoding = new AtomicInteger(n);
        for (int k = 0; k < n; k++) decoders[k] = new Decoder(k, blocks);
        try {
            for (Decoder d : decoders) d.thread.start();
        } catch (Throwable t) { // no thread to be had: stop those that started
            close();
            throw t;
        }
    }

    /** Decoding threads for a scan: one a core, at most {@link #MAX_DECODERS}. */
    static int decoders() {
        return Math.min(MAX_DECODERS, Runtime.getRuntime().availableProcessors());
    }

    /** The blocks each of {@code n} decoders may fill ahead: a share of {@link #AHEAD_BYTES}, or of an eighth of the heap. */
    static int aheadBlocks(int n, long maxHeap) {
        if (n == 1) return ONE_DECODER_BLOCKS;
        long budget = Math.min(AHEAD_BYTES, maxHeap / 8);
        return (int) Math.max(ONE_DECODER_BLOCKS, budget / n / LineBlocks.BLOCK);
    }

    /** The next item, waiting for it; null when every segment has been read. */
    Object take() throws InterruptedIOException {
        if (reading == segments.size()) return null;
        Object item;
        try {
            item = decoders[reading % decoders.length].items.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading segments");
        }
        if (item instanceof Failure f) {
            if (f.cause() instanceof RuntimeException r) throw r;
            if (f.cause() instanceof Error err) throw err;
            throw new IllegalStateException(f.cause());
        }
        if (item instanceof End) reading++;
        if (item instanceof SealedSegment seg) segment = seg;
        if (item instanceof Block b && b.matches() == null) item = matchHere(b);
        return item;
    }

    /**
     * A block the last decoding thread left unmatched: the others have no segment left, so the reader finds its matches
     * while that thread decodes on (the last file would otherwise be decoded and matched on one core, the others idle).
     */
    private Block matchHere(Block b) {
        if (readerMatcher == null) readerMatcher = matchers.get();
        if (readerSegment != segment) {
            readerMatcher.segment(segment);
            readerSegment = segment;
        }
        matchedHere++;
        return new Block(b.array(), b.start(), b.end(), readerMatcher.match(b.array(), b.start(), b.end()), b.decoder());
    }

    /** Blocks the reader found the matches of (for tests). */
    long matchedHere() {
        return matchedHere;
    }

    /** Gives a block's array back to its decoder's pool; a grown one is swapped for one of the usual size. */
    void release(Block block) {
        if (block.array().length == 0) return; // counts of rows without a match
        Decoder d = decoders[block.decoder()];
        d.room.release(d.weight(block.array()));
        d.free.add(block.array().length > LineBlocks.BLOCK ? new byte[LineBlocks.BLOCK] : block.array());
    }

    /** Bytes of the arrays of the blocks decoded and not yet taken, all decoders together (for tests). */
    long queuedBytes() {
        long n = 0;
        for (Decoder d : decoders) {
            for (Object item : d.items) if (item instanceof Block b) n += b.array().length;
        }
        return n;
    }

    /** Stops the decoding threads (the reader stopped early, or is done) and waits for them to close their files. */
    @Override
    public void close() {
        closed = true;
        for (Decoder d : decoders) d.thread.interrupt();
        boolean interrupted = false;
        for (Decoder d : decoders) {
            while (true) {
                try {
                    d.thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** One decoding thread: its segments, in order, into its own queue, from its own pool of blocks. */
    private final class Decoder {
        final int index;
        final int maxBlocks;
        final BlockingQueue<byte[]> free;
        final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
        /**
         * Blocks' worth of bytes handed out and not released: rows longer than a block grow its array (up to
         * {@link LineReader#MAX_LINE}), and the pool counts arrays, so the bytes held ahead are bounded here.
         */
        final Semaphore room;
        final Thread thread;
        final BlockMatcher matcher;
        final MatchedRows gathered = new MatchedRows();
        int made; // blocks allocated so far, at most maxBlocks

        Decoder(int index, int maxBlocks) {
            this.index = index;
            this.maxBlocks = maxBlocks;
            this.room = new Semaphore(maxBlocks);
            this.free = new ArrayBlockingQueue<>(maxBlocks);
            this.matcher = matchers.get();
            this.thread = new Thread(this::decodeAll, "cistern-decode-ahead-" + index);
            thread.setDaemon(true);
        }

        private void decodeAll() {
            try {
                for (int i = index; i < segments.size(); i += decoders.length) {
                    if (closed) return;
                    SealedSegment seg = segments.get(i);
                    items.put(seg);
                    items.put(new End(decode(seg)));
                }
            } catch (InterruptedException e) {
                // closed by the reader
            } catch (Throwable t) {
                if (!closed) items.add(new Failure(t));
            } finally {
                decoding.decrementAndGet();
            }
        }

        /** An array's size in blocks, at most all of {@link #room}. */
        int weight(byte[] array) {
            return (int) Math.min(maxBlocks, (array.length + (long) LineBlocks.BLOCK - 1) / LineBlocks.BLOCK);
        }

        /** A free block, made while under {@link #maxBlocks} (so a pool the reader never lets fill costs nothing). */
        private byte[] buffer() throws InterruptedException {
            byte[] b = free.poll();
            if (b != null) return b;
            if (made < maxBlocks) {
                made++;
                return new byte[LineBlocks.BLOCK];
            }
            return free.take();
        }

        /**
         * Copies a block's matching rows to those gathered ({@link MatchedRows}) when it is not matched whole: false when
         * the block is to be handed over as it is (all of it matches, it is in an array grown for rows longer than a
         * block, or rows are not gathered in this scan).
         */
        private boolean gather(LineBlocks blocks, BlockMatcher.Matches matches) throws InterruptedException {
            int n = MatchedRows.bytes(matches);
            // a grown array (rows longer than a block) goes whole, so decoding goes on in one of the usual size
            if (!gather || n == blocks.end() - blocks.start() || blocks.array().length > LineBlocks.BLOCK) return false;
            if (!gathered.fits(n)) hand(gathered.take(index));
            if (n > 0 && !gathered.begun()) gathered.begin(buffer());
            gathered.add(blocks.array(), matches);
            return true;
        }

        /** Hands a block to the reader, once the rows waiting for it leave room for it. */
        private void hand(Block block) throws InterruptedException {
            room.acquire(weight(block.array())); // all of it is free while the reader waits for this decoder
            items.put(block);
        }

        /** Puts the segment's blocks; returns its problems. */
        private List<String> decode(SealedSegment seg) throws InterruptedException {
            List<String> problems = new ArrayList<>(2);
            byte[] buffer = buffer();
            matcher.segment(seg);
            try (SegmentDecoder in = MovedFiles.read(seg, seg.path(), SegmentDecoder::new)) {
                if (in == null) return problems; // dropped between listing and reading: not a problem
                Path path = in.path(); // under uploaded/ when an uploader moved it there since it was listed
                LineBlocks blocks = new LineBlocks(in, buffer);
                while (blocks.next()) {
                    // the only thread still decoding leaves its blocks to the reader to match (matchHere)
                    boolean alone = decoders.length > 1 && decoding.get() == 1;
                    BlockMatcher.Matches matches = alone ? null : matcher.match(blocks.array(), blocks.start(), blocks.end());
                    if (!alone && gather(blocks, matches)) continue; // the next block is decoded into the same array
                    if (!gathered.isEmpty()) hand(gathered.take(index));
                    Block full = new Block(blocks.array(), blocks.start(), blocks.end(), matches, index);
                    buffer = blocks.carryInto(buffer());
                    hand(full);
                }
                if (blocks.tailBytes() > 0) problems.add(path + ": " + blocks.tailBytes() + " bytes after the last newline");
                String sealProblem = MovedFiles.read(seg, path, p -> SealTrailer.contentProblem(p, seg.name(), in.contentCrc()));
                if (sealProblem != null) problems.add(path + ": " + sealProblem);
            } catch (IOException e) {
                if (closed) throw new InterruptedException();
                problems.add(e.getMessage());
            } finally {
                free.add(buffer.length > LineBlocks.BLOCK ? new byte[LineBlocks.BLOCK] : buffer);
            }
            if (!gathered.isEmpty()) hand(gathered.take(index)); // also those read before a problem
            return problems;
        }
    }
}
