package dev.cistern.uploader.log;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The log file being written: continued across restarts, rolled to a new file at
 * {@link UploadLog.Retention#fileBytes()}, old files deleted at each open and roll. Used by the
 * writer thread only.
 */
final class RollingFile {
    private final Path dir;
    private final UploadLog.Retention retention;
    /** A java.io stream, not a channel: an interrupt must not close the log. */
    private FileOutputStream out;
    private Path current;
    private long size;

    private RollingFile(Path dir, UploadLog.Retention retention) {
        this.dir = dir;
        this.retention = retention;
    }

    /** Continues the newest file when it has room (after ending a line torn by a crash), else starts one. */
    static RollingFile open(Path dir, UploadLog.Retention retention) throws IOException {
        RollingFile f = new RollingFile(dir, retention);
        List<Path> files = LogFiles.list(dir);
        Path newest = files.isEmpty() ? null : files.get(files.size() - 1);
        if (newest != null && Files.size(newest) < retention.fileBytes()) {
            boolean torn = endsTorn(newest);
            f.current = newest;
            f.out = new FileOutputStream(newest.toFile(), true);
            f.size = Files.size(newest);
            if (torn) f.write(new byte[] {'\n'});
        } else {
            f.startFile();
        }
        LogDeletion.apply(dir, retention, f.current);
        return f;
    }

    /** Bytes the current file may still take before it rolls. */
    long room() {
        return retention.fileBytes() - size;
    }

    /** Appends whole lines in one write(2) on the O_APPEND file (several processes may share the log). */
    void write(byte[] lines) throws IOException {
        out.write(lines);
        size += lines.length;
    }

    /** Starts the next file once the current one is full. */
    void rollIfFull() throws IOException {
        if (size < retention.fileBytes()) return;
        out.getFD().sync();
        out.close();
        startFile();
        LogDeletion.apply(dir, retention, current);
    }

    /** Syncs and closes the current file. */
    void close() throws IOException {
        try {
            out.getFD().sync();
        } finally {
            out.close();
        }
    }

    private void startFile() throws IOException {
        long now = System.currentTimeMillis();
        Path p = LogFiles.at(dir, now);
        for (long n = now + 1; Files.exists(p) && Files.size(p) >= retention.fileBytes(); n++) {
            p = LogFiles.at(dir, n);
        }
        current = p;
        out = new FileOutputStream(current.toFile(), true);
        size = Files.size(current);
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
}
