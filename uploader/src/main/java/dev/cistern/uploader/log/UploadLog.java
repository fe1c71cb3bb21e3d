package dev.cistern.uploader.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
    private static final Pattern FILE_NAME = Pattern.compile("uploads\\.(\\d{13,19})\\.ndjson");
    private static final JsonFactory JSON = new JsonFactory();
    private static final Logger LOG = Logger.getLogger(UploadLog.class.getName());

    /** How much log is kept: at most {@code maxBytes} in files of about {@code fileBytes}, none older than {@code maxAge}. */
    public record Retention(long maxBytes, Duration maxAge, long fileBytes) {
        public static final Retention DEFAULT = new Retention(64L << 20, Duration.ofDays(30), 4L << 20);

        public Retention {
            if (fileBytes < 1024) throw new IllegalArgumentException("upload log file size must be at least 1024 bytes, was " + fileBytes);
            if (maxBytes < fileBytes) throw new IllegalArgumentException("upload log max bytes " + maxBytes + " is below its file size " + fileBytes);
            if (maxAge.isNegative() || maxAge.isZero()) throw new IllegalArgumentException("upload log max age must be positive, was " + maxAge);
        }
    }

    /** What to look for: a status (null for any), records at or after {@code since}, the last {@code limit} of them (0 = all). */
    public record Query(UploadStatus status, long since, int limit) {
        public static final Query ALL = new Query(null, Long.MIN_VALUE, 0);
    }

    /** The records found, oldest first, and how many matched before the limit. */
    public record Result(List<UploadRecord> records, long matched) {}

    private final Path dir;
    private final Retention retention;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);
    /** A java.io stream, not a channel: an interrupt must not close the log. */
    private FileOutputStream out;
    private Path current;
    private long currentSize;
    /** Records wait here for the writer thread, so an upload thread never waits on the disk for the log. */
    private final ArrayDeque<UploadRecord> pending = new ArrayDeque<>();
    private long appended;
    private long written;
    private boolean closed;
    private Thread writer;

    private UploadLog(Path dir, Retention retention) {
        this.dir = dir;
        this.retention = retention;
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
        UploadLog log = new UploadLog(directoryOf(spoolDir), retention);
        Files.createDirectories(log.dir);
        log.openCurrent();
        log.writer = new Thread(log::writeLoop, "cistern-upload-log");
        log.writer.setDaemon(true);
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
            if (currentSize + buffer.size() >= retention.fileBytes()) {
                writeBuffer();
                if (currentSize >= retention.fileBytes()) roll();
            }
            try (JsonGenerator g = JSON.createGenerator(buffer)) {
                write(g, r);
            }
            buffer.write('\n');
        }
        writeBuffer();
    }

    private void writeBuffer() throws IOException {
        if (buffer.size() == 0) return;
        out.write(buffer.toByteArray());
        currentSize += buffer.size();
        buffer.reset();
    }

    /** A record as its log line (without the newline). */
    public static String toJson(UploadRecord r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void write(JsonGenerator g, UploadRecord r) throws IOException {
        g.writeStartObject();
        g.writeNumberField("ts", r.ts());
        g.writeStringField("time", Instant.ofEpochMilli(r.ts()).toString());
        g.writeStringField("file", r.file());
        g.writeStringField("stream", r.stream());
        g.writeStringField("destination", r.destination());
        g.writeStringField("key", r.key());
        g.writeStringField("status", r.status().label());
        g.writeStringField("message", r.message() == null ? "" : r.message());
        g.writeNumberField("duration_ms", r.durationMs());
        g.writeNumberField("bytes", r.bytes());
        g.writeNumberField("attempt", r.attempt());
        g.writeBooleanField("permanent", r.permanent());
        g.writeBooleanField("dry_run", r.dryRun());
        g.writeBooleanField("replay", r.replay());
        g.writeEndObject();
    }

    /** Continues the newest file when it has room (after ending a line torn by a crash), else starts one. */
    private void openCurrent() throws IOException {
        List<Path> files = files(dir);
        Path newest = files.isEmpty() ? null : files.get(files.size() - 1);
        if (newest != null && Files.size(newest) < retention.fileBytes()) {
            boolean torn = endsTorn(newest);
            current = newest;
            out = new FileOutputStream(current.toFile(), true);
            currentSize = Files.size(current);
            if (torn) {
                out.write('\n');
                currentSize++;
            }
        } else {
            startFile();
        }
        applyRetention();
    }

    /** Whether the file's last line lacks its newline (a crash tore it). */
    private static boolean endsTorn(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) return false;
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    private void roll() throws IOException {
        out.getFD().sync();
        out.close();
        startFile();
        applyRetention();
    }

    private void startFile() throws IOException {
        long now = System.currentTimeMillis();
        Path p = dir.resolve(String.format("uploads.%013d.ndjson", now));
        for (long n = now + 1; Files.exists(p) && Files.size(p) >= retention.fileBytes(); n++) {
            p = dir.resolve(String.format("uploads.%013d.ndjson", n));
        }
        current = p;
        out = new FileOutputStream(current.toFile(), true);
        currentSize = Files.size(current);
    }

    /** Deletes whole files, oldest first, past the age or size limit; never the file being written. */
    private void applyRetention() throws IOException {
        List<Path> files = files(dir);
        long cutoff = System.currentTimeMillis() - retention.maxAge().toMillis();
        long total = 0;
        List<Long> sizes = new ArrayList<>();
        for (Path f : files) {
            long s = sizeOrZero(f);
            sizes.add(s);
            total += s;
        }
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            if (f.equals(current)) continue;
            boolean tooOld = lastModifiedOr(f, Long.MAX_VALUE) < cutoff;
            if (tooOld || total > retention.maxBytes()) {
                Files.deleteIfExists(f);
                total -= sizes.get(i);
            }
        }
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
        if (out != null) {
            try {
                out.getFD().sync();
            } finally {
                out.close();
            }
        }
    }

    /** The log files of a log directory, oldest first. */
    static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> FILE_NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }

    /** Reads every record of a spool's log, oldest first; lines that do not parse are skipped. */
    public static void forEach(Path spoolDir, Consumer<UploadRecord> visitor) throws IOException {
        for (Path f : files(directoryOf(spoolDir))) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    UploadRecord rec = parse(line);
                    if (rec != null) visitor.accept(rec);
                }
            } catch (NoSuchFileException e) {
                // deleted by retention while we read
            }
        }
    }

    /** Searches a spool's log without opening it for writing (safe while an uploader runs). */
    public static Result query(Path spoolDir, Query q) throws IOException {
        ArrayDeque<UploadRecord> last = new ArrayDeque<>();
        long[] matched = {0};
        forEach(spoolDir, r -> {
            if (q.status() != null && r.status() != q.status()) return;
            if (r.ts() < q.since()) return;
            matched[0]++;
            last.addLast(r);
            if (q.limit() > 0 && last.size() > q.limit()) last.removeFirst();
        });
        return new Result(List.copyOf(last), matched[0]);
    }

    /** One log line back into a record, or null when it is torn or not ours. */
    static UploadRecord parse(String line) {
        if (line.isBlank()) return null;
        long ts = 0, duration = 0, bytes = 0;
        int attempt = 0;
        boolean permanent = false, dryRun = false, replay = false;
        String file = "", stream = "", destination = "", key = "", message = "";
        UploadStatus status = null;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "ts" -> ts = p.getLongValue();
                    case "file" -> file = p.getText();
                    case "stream" -> stream = p.getText();
                    case "destination" -> destination = p.getText();
                    case "key" -> key = p.getText();
                    case "status" -> status = UploadStatus.parse(p.getText());
                    case "message" -> message = p.getText();
                    case "duration_ms" -> duration = p.getLongValue();
                    case "bytes" -> bytes = p.getLongValue();
                    case "attempt" -> attempt = p.getIntValue();
                    case "permanent" -> permanent = t == JsonToken.VALUE_TRUE;
                    case "dry_run" -> dryRun = t == JsonToken.VALUE_TRUE;
                    case "replay" -> replay = t == JsonToken.VALUE_TRUE;
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || status == null) return null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return new UploadRecord(ts, file, stream, destination, key, status, message, duration, bytes, attempt, permanent, dryRun, replay);
    }

    private static long sizeOrZero(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    private static long lastModifiedOr(Path f, long fallback) {
        try {
            return Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            return fallback;
        }
    }
}
