package dev.cistern.agent;

import dev.cistern.agent.config.ResolvedConfig;
import dev.cistern.agent.journal.Journal;
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
        probe(dir);
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < (256L << 20)) {
            LOG.warning("only " + (free >> 20) + " MiB free on the filesystem of " + dir.toAbsolutePath()
                    + "; ingest will answer 503 when it runs out");
        }
    }

    /**
     * The spool's moves, in the data directory itself, before the agent listens: compress (Brotli), write + fsync, atomic
     * rename, read back + decompress, delete. A filesystem or codec without them fails here, not after a 204.
     */
    private static void probe(Path dir) throws IOException {
        Path probe = dir.resolve(".write-probe");
        Path renamed = dir.resolve(".write-probe.renamed");
        try {
            byte[] compressed = NativeCheck.brotliSample();
            try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(compressed));
                ch.force(true);
            }
            Files.move(probe, renamed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (!NativeCheck.isBrotliSample(Files.readAllBytes(renamed))) {
                throw new IOException("a Brotli file written there does not read back as written");
            }
            Files.delete(renamed);
        } catch (IOException | UnsupportedOperationException | LinkageError e) {
            throw new IOException("cannot compress, write, fsync, rename and read back a file in data directory " + dir.toAbsolutePath()
                    + ": " + e + "; use a local filesystem the user " + System.getProperty("user.name") + " can write, with room", e);
        }
    }

    /**
     * When {@code retention.max_total_bytes} cannot hold what the journal may need (the rows not yet
     * sealed, up to {@code journal.max_lag_bytes}, plus one cycle file), says so with the figure:
     * retention will refuse ingest rather than delete unsent files to meet it.
     */
    static void journalFitsLimit(ResolvedConfig config) {
        long max = config.retention().maxTotalBytes();
        long cycle = Journal.cycleOverheadBytes(config.rollCycle());
        long needs = config.maxLagBytes() + cycle;
        if (max > 0 && max < needs) {
            LOG.warning("retention.max_total_bytes (" + max + ") is below what the journal may need: journal.max_lag_bytes ("
                    + config.maxLagBytes() + ") + one " + config.rollCycle() + " cycle file (" + cycle + ") = " + needs
                    + " bytes; ingest is refused (503 spool_full) whenever the journal alone is over the limit."
                    + " Raise max_total_bytes to at least " + needs + " plus room for sealed files (docs/operations.md)");
        }
    }

}
