package dev.cistern.spool;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One of a stream's parallel writers: its own open segment and its own Brotli encoder. Rows are
 * encoded straight into the encoder's input buffer and compressed in the appending thread, so N
 * shards keep N cores compressing. Every method runs under {@link #lock}.
 */
final class Shard implements RowSink {
    private static final byte[] VALUE_FIELD = ",\"value\":".getBytes();

    final ReentrantLock lock = new ReentrantLock();
    private final Spool spool;
    private final String stream;
    private final Rotation rotation;
    // A JSON row is built here whole before it goes to the encoder, so a failed row leaves no trace.
    private final RowBuffer row = new RowBuffer(1 << 12);
    // `<ts>,"value":<value>` of a metric row. Samples of one scrape share a timestamp, so its
    // digits are kept and only the value is encoded again.
    private final RowBuffer tsAndValue = new RowBuffer(64);
    private long tsEncoded;
    private int tsLength; // 0 until a timestamp is encoded
    private JsonGenerator generator;
    private Segment segment;

    Shard(Spool spool, String stream) {
        this.spool = spool;
        this.stream = stream;
        this.rotation = spool.config().rotation();
    }

    @Override
    public void append(Series series, long ts, double value) throws IOException {
        Segment seg = openSegment();
        RowBuffer tv = tsAndValue;
        if (ts != tsEncoded || tsLength == 0) {
            tv.clear();
            tv.putLong(ts);
            tv.put(VALUE_FIELD);
            tsEncoded = ts;
            tsLength = tv.size();
        } else {
            tv.truncate(tsLength);
        }
        tv.putDouble(value);
        try {
            seg.write(series.head, tv, series.tail);
        } catch (IOException | RuntimeException e) {
            throw writeFailed(seg, e);
        }
        rowAdded(seg, ts, series.head.length + tv.size() + series.tail.length);
    }

    @Override
    public void appendJson(byte[] utf8, int offset, int length) throws IOException {
        long ts = JsonLines.validate(utf8, offset, length, System.currentTimeMillis());
        Segment seg = openSegment();
        row.clear();
        row.write(utf8, offset, length);
        // Outside strings CR and LF are plain whitespace, and inside them JSON forbids them raw:
        // turning them into spaces keeps the object identical and the line whole.
        byte[] a = row.array();
        for (int i = 0; i < length; i++) {
            if (a[i] == '\n' || a[i] == '\r') a[i] = ' ';
        }
        row.write('\n');
        writeRow(seg, ts);
    }

    @Override
    public void appendObject(long ts, ObjectWriter fields) throws IOException {
        Segment seg = openSegment();
        row.clear();
        try {
            JsonGenerator g = generator();
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
            g.flush();
        } catch (IOException e) {
            generator = null; // its state is mid-object
            throw new InvalidRowException("row not written: " + e.getMessage());
        } catch (RuntimeException e) {
            generator = null;
            throw e;
        }
        row.write('\n');
        writeRow(seg, ts);
    }

    private JsonGenerator generator() throws IOException {
        if (generator == null) {
            generator = JsonLines.FACTORY.createGenerator(row);
            generator.setRootValueSeparator(null);
            generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        }
        return generator;
    }

    private Segment openSegment() throws IOException {
        Segment seg = segment;
        if (seg == null) {
            seg = segment = Segment.create(spool.layout(), stream, spool.config().quality(), spool.config().window());
        }
        return seg;
    }

    private void writeRow(Segment seg, long ts) throws IOException {
        try {
            seg.write(row.array(), 0, row.size());
        } catch (IOException | RuntimeException e) {
            throw writeFailed(seg, e);
        }
        rowAdded(seg, ts, row.size());
    }

    private void rowAdded(Segment seg, long ts, int bytes) throws IOException {
        seg.countRow(ts, bytes);
        if (seg.rows() >= rotation.maxRows() || seg.rawBytes() >= rotation.maxBytes()) seal();
    }

    private SpoolWriteException writeFailed(Segment seg, Exception e) {
        fail(seg);
        return new SpoolWriteException("writing segment " + seg.tempPath() + " failed", e);
    }

    /** Makes every row appended so far durable in the temp file, without sealing. */
    void flush() throws IOException {
        Segment seg = segment;
        if (seg == null) return;
        try {
            seg.flush();
        } catch (IOException | RuntimeException e) {
            fail(seg);
            throw new SpoolWriteException("flushing segment " + seg.tempPath() + " failed", e);
        }
    }

    /** Seals the open segment, if any. */
    void seal() throws IOException {
        Segment seg = segment;
        if (seg == null) return;
        long start = System.nanoTime();
        SealedSegment sealed;
        try {
            sealed = seg.seal();
        } catch (IOException | RuntimeException e) {
            fail(seg);
            throw new SpoolWriteException("sealing segment " + seg.tempPath() + " failed", e);
        }
        segment = null;
        spool.sealed(sealed, System.nanoTime() - start);
    }

    boolean olderThan(long maxAgeNanos, long now) {
        Segment seg = segment;
        return seg != null && seg.ageNanos(now) >= maxAgeNanos;
    }

    /** After an I/O failure the segment is left in active/ for recovery, with the rows not yet compressed lost. */
    private void fail(Segment seg) {
        seg.abandon();
        segment = null;
        generator = null;
        spool.writeFailed();
    }
}
