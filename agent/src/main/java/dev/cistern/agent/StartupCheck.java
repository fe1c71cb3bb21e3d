package dev.cistern.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Path probe = dir.resolve(".write-probe");
        try {
            Files.write(probe, new byte[] {1});
            Files.delete(probe);
        } catch (IOException e) {
            throw new IOException("cannot write in data directory " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < (256L << 20)) {
            LOG.warning("only " + (free >> 20) + " MiB free on the filesystem of " + dir.toAbsolutePath()
                    + "; ingest will answer 503 when it runs out");
        }
    }
}
