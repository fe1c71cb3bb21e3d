package dev.cistern.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One open segment: a temp file in {@code active/} with a compressed stream being written to it, and
 * the counts its sealed name will carry. Not thread-safe; its shard's lock guards it.
 */
final class Segment {
    private final SpoolLayout layout;
    private final String stream;
    private final String id;
    private final Path tempPath;
    private final FileChannel channel;
    private final CompressingSink sink;
    private final Codec codec;
    private final long openedAtNanos;
    private long rows;
    private long rawBytes;
    private long minTs = Long.MAX_VALUE;
    private long maxTs = Long.MIN_VALUE;
    private long firstSource = SegmentName.NO_SOURCE;
    private long lastSource = SegmentName.NO_SOURCE;
    private volatile boolean abandoned;
    private boolean finished;

    private Segment(SpoolLayout layout, String stream, String id, Path tempPath, FileChannel channel, CompressingSink sink,
                    Codec codec) {
        this.layout = layout;
        this.stream = stream;
        this.id = id;
        this.tempPath = tempPath;
        this.channel = channel;
        this.sink = sink;
        this.codec = codec;
        this.openedAtNanos = System.nanoTime();
    }

    static Segment create(SpoolLayout layout, String stream, CodecSettings codec) throws IOException {
        String id = SegmentName.newId(System.currentTimeMillis());
        return create(layout, stream, id, layout.tempPath(stream, id, codec.codec()), codec);
    }

    /** A segment with a given id and temp path; recovery reuses the id of the file it salvages. */
    static Segment create(SpoolLayout layout, String stream, String id, Path temp, CodecSettings codec) throws IOException {
        FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            return new Segment(layout, stream, id, temp, ch, codec.codec().sink(ch, codec), codec.codec());
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    String stream() { return stream; }
    String id() { return id; }
    Path tempPath() { return tempPath; }
    long rows() { return rows; }
    long rawBytes() { return rawBytes; }
    long ageNanos(long now) { return now - openedAtNanos; }

    /** Counts a row that is staged (not yet compressed); the shard drains staged bytes with {@link #write}. */
    void countRow(long ts, int bytes) {
        rows++;
        rawBytes += bytes;
        if (ts < minTs) minTs = ts;
        if (ts > maxTs) maxTs = ts;
    }

    /** Records that rows from this journal index are in the segment. */
    void noteSource(long source) {
        if (firstSource == SegmentName.NO_SOURCE) firstSource = source;
        lastSource = Math.max(lastSource, source);
    }

    /** The lowest journal index with rows here, or NO_SOURCE. */
    long firstSource() { return firstSource; }

    void write(byte[] b, int off, int len) throws IOException {
        sink.write(b, off, len);
    }

    /** Makes everything written so far decodable from the temp file and durable. */
    void flush() throws IOException {
        sink.flush();
        channel.force(false);
    }

    /**
     * Ends the compressed stream with its trailer and frees the encoder (its native memory: about 10 MiB for Brotli at
     * quality 5, window 22), so a segment waiting for the sealing thread holds only its file. Done once; {@link #seal}
     * does it when the writer did not.
     */
    void finishStream() throws IOException {
        if (finished) return;
        sink.finish();
        finished = true;
        sink.close();
    }

    /**
     * Finishes the stream (unless {@link #finishStream} did), syncs it, and renames it into its partition. After this returns the
     * sealed file is durable and complete; before, only the temp file exists.
     */
    SealedSegment seal() throws IOException {
        finishStream();
        long compressed = sink.compressedBytes();
        channel.force(true);
        channel.close();
        SegmentName name = new SegmentName(stream, minTs, maxTs, rows, rawBytes, SegmentName.FORMAT_VERSION, id, lastSource,
                codec);
        Path target = layout.sealedPath(name);
        Fsync.createDirectories(target.getParent());
        Files.move(tempPath, target, StandardCopyOption.ATOMIC_MOVE);
        Fsync.directory(target.getParent());
        assert compressed == Files.size(target);
        return new SealedSegment(target, name);
    }

    boolean isAbandoned() { return abandoned; }

    /** Closes and deletes a segment that never got a row. */
    void discard() throws IOException {
        abandon();
        Files.deleteIfExists(tempPath);
    }

    /** Gives up on this segment after a write failure, leaving the temp file for recovery to salvage. */
    void abandon() {
        abandoned = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // the temp file stays for recovery whatever happens here
        }
        sink.close();
    }
}
