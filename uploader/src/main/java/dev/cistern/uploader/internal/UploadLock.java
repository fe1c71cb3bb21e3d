package dev.cistern.uploader.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** {@code <spool>/.upload.lock}: one uploader per spool directory at a time, across processes. */
public final class UploadLock {
    private final Path root;
    private FileChannel channel;
    private FileLock lock;

    public UploadLock(Path spoolRoot) {
        this.root = spoolRoot;
    }

    /** Takes the lock, or fails at once naming who to stop; a no-op once held. */
    public synchronized void take() throws IOException {
        if (lock != null) return;
        Path lockFile = root.resolve(".upload.lock");
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // held by another uploader in this JVM
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            ch.close();
            throw new IOException("another uploader is working on " + root + " (it holds " + lockFile
                    + "); stop it first, or upload from one place only");
        }
        channel = ch;
        lock = l;
    }

    public synchronized void release() throws IOException {
        if (lock == null) return;
        lock.release();
        channel.close();
    }
}
