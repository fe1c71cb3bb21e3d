package dev.cistern.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * Moves files that cannot be used into {@code quarantine/<stream>/}, next to a
 * {@code <file>.reason} text file that says why, when and where it came from. Nothing is deleted.
 */
public final class Quarantine {
    private final SpoolLayout layout;

    public Quarantine(SpoolLayout layout) {
        this.layout = layout;
    }

    /** Moves {@code file} into quarantine and returns its new path. */
    public Path move(Path file, String stream, QuarantineReason reason, String detail) throws IOException {
        Path dir = layout.quarantine().resolve(stream != null && StreamName.isValid(stream) ? stream : "_unknown");
        Fsync.createDirectories(dir);
        String base = file.getFileName().toString();
        Path target = dir.resolve(base);
        for (int i = 1; Files.exists(target); i++) target = dir.resolve(base + "." + i);
        String note = "reason: " + reason + "\ndetail: " + detail + "\nfrom: " + file + "\nat: " + Instant.now() + "\n";
        Path reasonFile = dir.resolve(target.getFileName() + ".reason");
        Files.writeString(reasonFile, note, StandardCharsets.UTF_8);
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        Fsync.directory(dir);
        Fsync.directory(file.getParent());
        return target;
    }
}
