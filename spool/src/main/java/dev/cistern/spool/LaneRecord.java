package dev.cistern.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lane count a journal-fed data directory is written with, in {@code journal-lanes} beside the ledger. The ledger
 * ({@code journal-progress.json}) says it too, but may be deleted (it is rebuilt from the sealed names) or damaged: read
 * back with another count, those names would be assigned to the wrong lanes and entries not yet sealed skipped. So the
 * count is also kept here, written durably whenever the ledger is written with a count this file does not hold.
 */
final class LaneRecord {
    static final String NAME = "journal-lanes";

    private LaneRecord() {}

    /** The recorded count; -1 when there is none or it does not parse. */
    static int read(Path dir) {
        try {
            int lanes = Integer.parseInt(Files.readString(dir.resolve(NAME), StandardCharsets.US_ASCII).strip());
            return lanes >= 1 ? lanes : -1;
        } catch (IOException | NumberFormatException e) {
            return -1; // none (NoSuchFileException) or unreadable: the ledger's count, if any, is all there is
        }
    }

    /** Records {@code lanes} durably ({@link Fsync#replaceFile}), unless it is what the file holds. */
    static void keep(Path dir, int lanes) throws IOException {
        if (read(dir) != lanes) Fsync.replaceFile(dir, NAME, (lanes + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
