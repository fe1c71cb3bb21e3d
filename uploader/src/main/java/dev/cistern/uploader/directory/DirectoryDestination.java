package dev.cistern.uploader.directory;

import dev.cistern.spool.Fsync;
import dev.cistern.spool.SegmentName;
import dev.cistern.uploader.Destination;
import dev.cistern.uploader.DestinationException;
import dev.cistern.uploader.FileChecksum;
import dev.cistern.uploader.KeyTemplate;
import dev.cistern.uploader.UploadItem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * Copies files into a target directory under their keys (the embedded default, and useful on
 * air-gapped boxes). A copy is atomic: written to a hidden temp file next to the target, synced,
 * renamed over the target, and the directory synced. A reader of the target never sees half a file.
 * Before the rename the copy is read back and its CRC32C compared with the one the uploader checked
 * the file with, so a copy that differs never takes the target's name.
 */
public final class DirectoryDestination implements Destination {
    private final Path root;
    private final String prefix;
    private final KeyTemplate template;

    public DirectoryDestination(Path root, String prefix, KeyTemplate template) {
        this.root = root.toAbsolutePath().normalize();
        this.prefix = prefix == null ? "" : prefix;
        this.template = template;
    }

    public DirectoryDestination(Path root) {
        this(root, "", KeyTemplate.DEFAULT);
    }

    public Path root() { return root; }

    @Override
    public String name() {
        return "file://" + root.toString().replace('\\', '/');
    }

    @Override
    public String keyFor(SegmentName segment) {
        return template.key(prefix, segment);
    }

    @Override
    public void put(UploadItem item) throws IOException {
        Path target = root.resolve(item.key()).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw DestinationException.permanent("key " + item.key() + " points outside " + root, 0, null);
        }
        Path dir = target.getParent();
        Fsync.createDirectories(dir);
        Path temp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel in = FileChannel.open(item.file(), StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long size = in.size();
                long done = 0;
                while (done < size) {
                    long n = in.transferTo(done, size - done, out);
                    if (n <= 0 && in.size() <= done) break;
                    done += n;
                }
                if (done != item.bytes()) {
                    throw DestinationException.retryable("copied " + done + " bytes of " + item.file() + " but expected "
                            + item.bytes() + "; the file changed while it was copied", 0, null);
                }
                out.force(true);
            }
            verifyCopy(item, temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Fsync.directory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Reads the copy back and compares its CRC32C with the one the uploader checked the file with. */
    private static void verifyCopy(UploadItem item, Path copy) throws IOException {
        FileChecksum c = item.checksum();
        if (c == null) return;
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
        try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.READ)) {
            while (ch.read(buf.clear()) > 0) crc.update(buf.flip());
        }
        if ((int) crc.getValue() != c.crc32c()) {
            throw DestinationException.retryable(String.format("the copy of %s has CRC32C %08x, the file was checked with %08x;"
                    + " it changed while it was copied", item.file(), (int) crc.getValue(), c.crc32c()), 0, null);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
