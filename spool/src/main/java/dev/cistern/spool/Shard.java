package dev.cistern.spool;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One of a stream's parallel writers: its own open segment, its own encoder (Brotli, zstd or gzip), its own
 * staging buffer. Rows are encoded into the staging buffer and compressed in the appending
 * thread, so N shards keep N cores compressing. Every method runs under {@link #lock}.
 */
final class Shard implements RowSink {
    static final int STAGE_BYTES = 1 << 16;

    final ReentrantLock lock = new ReentrantLock();
    private final Spool spool;
    private final String stream;
    private final Rotation rotation;
    private final RowBuffer staged = new RowBuffer(STAGE_BYTES + (STAGE_BYTES >> 2));
    private final TimestampFields tsFields = new TimestampFields();
    /** Samples held back so that a series' rows reach the encoder together; null: arrival order. */
    private final SeriesBlock block;
    private JsonGenerator generator;
    private Segment segment;
    private boolean holdRotation; // inside a sourced batch: rotate only at its end, so no entry spans two segments

    Shard(Spool spool, String stream) {
        this.spool = spool;
        this.stream = stream;
        this.rotation = spool.config().rotation();
        int rows = spool.config().seriesBlockRows();
        this.block = rows == 0 ? null : new SeriesBlock(rows, spool.config().seriesBlockBytes());
    }

    @Override
    public void append(Series series, long ts, double value) throws IOException {
        checkTs(ts);
        Segment seg = openSegment();
        if (block == null) {
            stageSample(seg, series, ts, value);
        } else {
            block.add(series, ts, value);
            if (block.full()) writeBlock(seg);
        }
        if (!holdRotation) rotateIfFull();
    }

    /** Encodes one sample's row into the staging buffer. */
    private void stageSample(Segment seg, Series series, long ts, double value) throws IOException {
        RowBuffer b = staged;
        int start = b.size();
        byte[] json = series.json;
        b.write(json, 0, series.tailAt);
        tsFields.writeTo(b, ts);
        b.putDouble(value);
        b.write(json, series.tailAt, json.length - series.tailAt);
        seg.countRow(ts, b.size() - start);
        if (b.size() >= STAGE_BYTES) drain(seg);
    }

    /** Stages the samples held back, grouped by series. */
    private void writeBlock(Segment seg) throws IOException {
        if (block != null && !block.isEmpty()) block.writeTo((series, ts, value) -> stageSample(seg, series, ts, value));
    }

    @Override
    public void appendJson(byte[] utf8, int offset, int length) throws IOException {
        stageJson(utf8, offset, length, JsonLines.validate(utf8, offset, length, System.currentTimeMillis()));
    }

    @Override
    public void appendJson(byte[] utf8, int offset, int length, long ts) throws IOException {
        JsonLines.check(utf8, offset, length); // validated whole; its time is the one given, its own "ts" is not read
        stageJson(utf8, offset, length, ts);
    }

    private void stageJson(byte[] utf8, int offset, int length, long ts) throws IOException {
        checkTs(ts);
        Segment seg = openSegment();
        int start = staged.size();
        staged.write(utf8, offset, length);
        // Outside strings CR and LF are plain whitespace, and inside them JSON forbids them raw:
        // turning them into spaces keeps the object identical and the line whole.
        byte[] a = staged.array();
        for (int i = start; i < start + length; i++) {
            if (a[i] == '\n' || a[i] == '\r') a[i] = ' ';
        }
        staged.write('\n');
        rowAdded(seg, ts, staged.size() - start);
    }

    @Override
    public void appendObject(long ts, ObjectWriter fields) throws IOException {
        checkTs(ts);
        Segment seg = openSegment();
        int start = staged.size();
        try {
            JsonGenerator g = generator();
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
            g.flush();
        } catch (IOException e) {
            discardPartialRow(start);
            throw new InvalidRowException("row not written: " + e.getMessage());
        } catch (RuntimeException e) {
            discardPartialRow(start);
            throw e;
        }
        staged.write('\n');
        rowAdded(seg, ts, staged.size() - start);
    }

    /** A row outside 1970-9999 would name its segment's partition absurdly: refused before anything is staged. */
    private static void checkTs(long ts) {
        if (!SegmentName.inRange(ts)) {
            throw new InvalidRowException("timestamp_out_of_range", "row timestamp " + ts + " ms is outside 1970-01-01..9999-12-31");
        }
    }

    private void discardPartialRow(int start) {
        staged.truncate(start); // nothing of a failed row stays
        generator = null; // its state is mid-object
    }

    private JsonGenerator generator() throws IOException {
        if (generator == null) {
            generator = JsonLines.FACTORY.createGenerator(staged);
            generator.setRootValueSeparator(null);
            generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        }
        return generator;
    }

    private Segment openSegment() throws IOException {
        Segment seg = segment;
        if (seg == null) {
            seg = segment = Segment.create(spool.layout(), stream, spool.config().nextCodec(stream));
        }
        return seg;
    }

    private void rowAdded(Segment seg, long ts, int bytes) throws IOException {
        seg.countRow(ts, bytes);
        if (staged.size() >= STAGE_BYTES) drain(seg);
        if (!holdRotation) rotateIfFull();
    }

    private void rotateIfFull() throws IOException {
        Segment seg = segment;
        if (seg == null) return;
        long heldRows = block == null ? 0 : block.size();
        long heldBytes = block == null ? 0 : block.estimatedBytes();
        if (seg.rows() + heldRows >= rotation.maxRows() || seg.rawBytes() + heldBytes >= rotation.maxBytes()) seal();
    }

    /**
     * Runs a batch whose rows all come from one journal entry: they land in one segment, and the
     * segment's name records the entry's index. A failed batch leaves its rows for the journal to replay.
     */
    void sourcedBatch(long source, StreamWriter.Batch batch) throws IOException {
        holdRotation = true;
        try {
            batch.write(this);
            if (segment != null) segment.noteSource(source);
        } catch (Throwable e) { // Errors too: half an entry must never be sealed by the timer before the replay
            // Part of the entry may be in the segment, and no timer may seal that: the segment is
            // given up with its temp file left in active/, so the caller's replay covers it.
            Segment seg = segment;
            if (seg != null) abandon(seg, e);
            throw e;
        } finally {
            holdRotation = false;
        }
        rotateIfFull();
    }

    /** The lowest journal index with rows in the open segment, or NO_SOURCE. */
    long openFirstSource() {
        Segment seg = segment;
        return seg == null ? SegmentName.NO_SOURCE : seg.firstSource();
    }

    private void drain(Segment seg) throws IOException {
        try {
            seg.write(staged.array(), 0, staged.size());
            staged.clear();
        } catch (IOException | RuntimeException | Error e) { // a native encoder's LinkageError fails the segment too
            fail(seg, e);
            throw new SpoolWriteException("writing segment " + seg.tempPath() + " failed", e);
        }
    }

    /** Makes every row appended so far durable in the temp file, without sealing. */
    void flush() throws IOException {
        Segment seg = segment;
        if (seg == null) return;
        writeBlock(seg);
        drain(seg);
        try {
            seg.flush();
        } catch (IOException | RuntimeException e) {
            fail(seg, e);
            throw new SpoolWriteException("flushing segment " + seg.tempPath() + " failed", e);
        }
    }

    /**
     * Hands the open segment, if any, to the spool's sealing thread once its rows are all in the
     * encoder; a new segment opens with the next row.
     */
    void seal() throws IOException {
        Segment seg = segment;
        if (seg == null) return;
        writeBlock(seg);
        if (seg.rows() == 0) {
            // Its only rows were rejected (appendObject failed): there is nothing to seal, and a name needs rows.
            segment = null;
            seg.discard();
            return;
        }
        drain(seg);
        try {
            seg.finishStream(); // here, not on the sealing thread: a queued segment then holds no native encoder
        } catch (IOException | RuntimeException e) {
            fail(seg, e);
            throw new SpoolWriteException("finishing segment " + seg.tempPath() + " failed", e);
        }
        spool.sealer().submit(seg); // queued before the segment leaves the shard: openFirstSource sees it in one place or the other
        segment = null;
    }

    boolean olderThan(long maxAgeNanos, long now) {
        Segment seg = segment;
        return seg != null && seg.ageNanos(now) >= maxAgeNanos;
    }

    /** Drops the open segment and its temp file: its rows will be replayed from the journal. */
    boolean discard() throws IOException {
        Segment seg = segment;
        if (seg == null) return false;
        seg.abandon();
        Files.deleteIfExists(seg.tempPath());
        segment = null;
        staged.clear();
        if (block != null) block.clear();
        generator = null;
        return true;
    }

    /** After an I/O failure the segment is left in active/ for recovery, and the staged rows go with it. */
    private void fail(Segment seg, Throwable cause) {
        abandon(seg, cause);
        spool.writeFailed();
    }

    private void abandon(Segment seg, Throwable cause) {
        seg.abandon();
        // handed to the sealer as failed, so its journal entries stay needed until the spool is reset
        spool.sealer().abandoned(seg, new SpoolWriteException("segment " + seg.tempPath() + " abandoned after a failed write", cause));
        segment = null;
        staged.clear();
        if (block != null) block.clear();
        generator = null;
    }
}
