package dev.cistern.uploader;

import dev.cistern.spool.Fsync;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Marks uploaded files done (moved to uploaded/ or deleted) on its own thread, so an upload slot
 * is free as soon as the destination confirmed a file. Marks queue up while the thread syncs, and
 * each batch syncs every directory it touched once (group commit). A mark is durable when its
 * callback runs; {@link #drain()} waits for every mark handed in so far.
 */
final class Marker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Marker.class.getName());

    private record Mark(Path file, SegmentName name, BiConsumer<Path, IOException> done) {}

    private final SpoolLayout layout;
    private final AfterUpload after;
    private final List<Mark> queue = new ArrayList<>();
    private final Thread thread;
    private long handedIn;
    private long finished;
    private boolean closed;

    Marker(SpoolLayout layout, AfterUpload after) {
        this.layout = layout;
        this.after = after;
        this.thread = new Thread(this::run, "cistern-upload-marker");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a mark; {@code done} gets where the file is now (null if deleted), or the error. */
    synchronized void mark(Path file, SegmentName name, BiConsumer<Path, IOException> done) {
        if (closed) throw new IllegalStateException("marker closed");
        queue.add(new Mark(file, name, done));
        handedIn++;
        notifyAll();
    }

    /** Waits until every mark handed in so far is durable (or failed). */
    synchronized void drain() throws InterruptedException {
        long target = handedIn;
        while (finished < target) wait();
    }

    private void run() {
        while (true) {
            List<Mark> batch;
            synchronized (this) {
                while (queue.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (queue.isEmpty()) return;
                batch = new ArrayList<>(queue);
                queue.clear();
            }
            markAll(batch);
            synchronized (this) {
                finished += batch.size();
                notifyAll();
            }
        }
    }

    private void markAll(List<Mark> batch) {
        Set<Path> dirs = new LinkedHashSet<>();
        List<Path> now = new ArrayList<>(batch.size());
        List<IOException> errors = new ArrayList<>(batch.size());
        for (Mark m : batch) {
            Path where = null;
            IOException error = null;
            try {
                if (after == AfterUpload.DELETE) {
                    Files.deleteIfExists(m.file());
                } else {
                    where = layout.uploadedPath(m.name());
                    Fsync.createDirectories(where.getParent());
                    Files.move(m.file(), where, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    dirs.add(where.getParent());
                }
                dirs.add(m.file().getParent());
            } catch (NoSuchFileException e) {
                where = null; // retention dropped it while it was uploading: it is up, and gone here
            } catch (IOException e) {
                error = e;
            }
            now.add(where);
            errors.add(error);
        }
        IOException syncError = null;
        for (Path d : dirs) {
            try {
                Fsync.directory(d);
            } catch (IOException e) {
                syncError = e;
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            IOException e = errors.get(i) != null ? errors.get(i) : syncError;
            try {
                batch.get(i).done().accept(e == null ? now.get(i) : null, e);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "after marking " + batch.get(i).file(), ex);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        thread.join(30_000);
    }
}
