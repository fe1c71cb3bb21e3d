package dev.cistern.uploader.log;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The upload log: one NDJSON line per upload attempt, appended to files
 * {@code <spool>/upload-log/uploads.<epoch-ms>.ndjson}. A file is rolled at
 * {@link Retention#fileBytes()}; whole files are deleted, oldest first, when the log grows past
 * {@link Retention#maxBytes()} or a file is older than {@link Retention#maxAge()}.
 *
 * <p>Records are queued and written by a background thread, whole lines per append (several
 * processes may share the log), and are not synced one by one: a crash may lose the records of
 * its last moments. A line torn by a crash is skipped by readers.
 */
public final class UploadLog implements Closeable {
    public static final String DIRECTORY = "upload-log";
    private static final Logger LOG = Logger.getLogger(UploadLog.class.getName());

    /** How much log is kept: at most {@code maxBytes} in files of about {@code fileBytes}, none older than {@code maxAge}. */
    public record Retention(long maxBytes, Duration maxAge, long fileBytes) {
        public static final Retention DEFAULT = new Retention(64L << 20, Duration.ofDays(30), 4L << 20);

        public Retention {
            if (fileBytes < 1024) {
                throw new IllegalArgumentException("upload log file size must be at least 1024 bytes, was " + fileBytes);
            }
            if (maxBytes < fileBytes) {
                throw new IllegalArgumentException("upload log max bytes " + maxBytes + " is below its file size " + fileBytes);
            }
            if (maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException("upload log max age must be positive, was " + maxAge);
            }
        }
    }

    /** What to look for: a status (null for any), records at or after {@code since}, the last {@code limit} of them (0 = all). */
    public record Query(UploadStatus status, long since, int limit) {
        public static final Query ALL = new Query(null, Long.MIN_VALUE, 0);
    }

    /** The records found, oldest first, and how many matched before the limit. */
    public record Result(List<UploadRecord> records, long matched) {}

    private final Path dir;
    private final RollingFile file;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);
    /** Records wait here for the writer thread, so an upload thread never waits on the disk for the log. */
    private final ArrayDeque<UploadRecord> pending = new ArrayDeque<>();
    private long appended;
    private long written;
    private boolean closed;
    private final Thread writer;

    private UploadLog(Path dir, RollingFile file) {
        this.dir = dir;
        this.file = file;
        this.writer = new Thread(this::writeLoop, "cistern-upload-log");
        writer.setDaemon(true);
    }

    /** The log directory of a spool. */
    public static Path directoryOf(Path spoolDir) {
        return spoolDir.resolve(DIRECTORY);
    }

    /** Opens (creating if needed) the log of a spool with the default retention. */
    public static UploadLog open(Path spoolDir) throws IOException {
        return open(spoolDir, Retention.DEFAULT);
    }

    public static UploadLog open(Path spoolDir, Retention retention) throws IOException {
        Path dir = directoryOf(spoolDir);
        Files.createDirectories(dir);
        UploadLog log = new UploadLog(dir, RollingFile.open(dir, retention));
        log.writer.start();
        return log;
    }

    public Path directory() { return dir; }

    /**
     * Queues one record; a background thread appends it. Never waits on the disk (an fsync
     * elsewhere on the filesystem can stall a file append for a while).
     */
    public void append(UploadRecord r) throws IOException {
        synchronized (pending) {
            if (closed) throw new IOException("upload log " + dir + " is closed");
            pending.addLast(r);
            appended++;
            pending.notifyAll();
        }
    }

    /** Waits until every record appended so far is written to the file (not synced). */
    public void flush() throws InterruptedException {
        synchronized (pending) {
            long target = appended;
            while (written < target && writer.isAlive()) pending.wait(100);
        }
    }

    private void writeLoop() {
        List<UploadRecord> batch = new ArrayList<>();
        while (true) {
            synchronized (pending) {
                while (pending.isEmpty() && !closed) {
                    try {
                        pending.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (pending.isEmpty()) return;
                batch.addAll(pending);
                pending.clear();
            }
            try {
                writeBatch(batch);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "could not write " + batch.size() + " records to the upload log in " + dir
                        + ": " + e.getMessage(), e);
            }
            synchronized (pending) {
                written += batch.size();
                pending.notifyAll();
            }
            batch.clear();
        }
    }

    /** Writes whole lines, as few write(2) calls on the O_APPEND file as the roll size allows. */
    private void writeBatch(List<UploadRecord> batch) throws IOException {
        buffer.reset();
        for (UploadRecord r : batch) {
            if (buffer.size() >= file.room()) {
                writeBuffer();
                file.rollIfFull();
            }
            UploadRecordCodec.write(buffer, r);
            buffer.write('\n');
        }
        writeBuffer();
    }

    private void writeBuffer() throws IOException {
        if (buffer.size() == 0) return;
        file.write(buffer.toByteArray());
        buffer.reset();
    }

    /** Writes what is queued, syncs and closes. */
    @Override
    public void close() throws IOException {
        synchronized (pending) {
            if (closed) return;
            closed = true;
            pending.notifyAll();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        file.close();
    }

    /** A record as its log line (without the newline). */
    public static String toJson(UploadRecord r) {
        return UploadRecordCodec.toJson(r);
    }

    /** Reads every record of a spool's log, oldest first; lines that do not parse are skipped. */
    public static void forEach(Path spoolDir, Consumer<UploadRecord> visitor) throws IOException {
        UploadLogReader.forEach(directoryOf(spoolDir), visitor);
    }

    /** Searches a spool's log without opening it for writing (safe while an uploader runs). */
    public static Result query(Path spoolDir, Query q) throws IOException {
        return UploadLogReader.query(directoryOf(spoolDir), q);
    }
}
