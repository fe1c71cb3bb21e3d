package dev.cistern.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Durability helpers: a rename or a new directory entry is durable only once its directory is synced.
 * Public for the uploader, which moves and writes files under the same rule.
 */
public final class Fsync {
    private Fsync() {}

    public static void directory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Replaces {@code dir/name} with {@code bytes} so that a crash leaves the old content or the new, never a mix:
     * written to {@code name.tmp}, synced, renamed over it, and the directory synced. A {@code .tmp} a crash left is
     * overwritten by the next replace.
     */
    public static void replaceFile(Path dir, String name, byte[] bytes) throws IOException {
        Path temp = dir.resolve(name + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
        Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        directory(dir);
    }

    /** Creates the directory and any missing parents, syncing each parent that gained an entry. */
    public static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Path parent = dir.getParent();
        if (parent != null) createDirectories(parent);
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            return; // another thread made it; it syncs the parent
        }
        if (parent != null) directory(parent);
    }
}
