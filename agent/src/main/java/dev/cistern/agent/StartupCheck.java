package dev.cistern.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.util.logging.Logger;

/** Refuses to start on a data directory that cannot work, with a message that says what to do. */
final class StartupCheck {
    private static final Logger LOG = Logger.getLogger(StartupCheck.class.getName());

    private StartupCheck() {}

    static void dataDirectory(Path dir) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create data directory " + dir.toAbsolutePath() + " (" + e.getMessage()
                    + "); create it, or point data_dir / --data at a writable place", e);
        }
        if (!Files.isDirectory(dir)) throw new IOException("data directory " + dir.toAbsolutePath() + " is not a directory");
        if (!Files.isWritable(dir)) {
            UserPrincipal owner = Files.getOwner(dir);
            throw new IOException("data directory " + dir.toAbsolutePath() + " is not writable by user "
                    + System.getProperty("user.name") + " (owner: " + owner.getName() + "); chown it or use another directory");
        }
        // the spool's three moves: write + fsync, atomic rename, delete; a filesystem without them fails here
        Path probe = dir.resolve(".write-probe");
        Path renamed = dir.resolve(".write-probe.renamed");
        try {
            try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(new byte[] {1}));
                ch.force(true);
            }
            Files.move(probe, renamed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.delete(renamed);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IOException("cannot write, fsync and rename in data directory " + dir.toAbsolutePath() + ": " + e
                    + "; use a local filesystem the user " + System.getProperty("user.name") + " can write", e);
        }
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < (256L << 20)) {
            LOG.warning("only " + (free >> 20) + " MiB free on the filesystem of " + dir.toAbsolutePath()
                    + "; ingest will answer 503 when it runs out");
        }
    }
}
