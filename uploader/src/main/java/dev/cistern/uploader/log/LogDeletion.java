package dev.cistern.uploader.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Applies {@link UploadLog.Retention}: deletes whole files, oldest first, past the age or size limit. */
final class LogDeletion {
    private LogDeletion() {}

    /** Never deletes {@code current}, the file being written. */
    static void apply(Path dir, UploadLog.Retention retention, Path current) throws IOException {
        List<Path> files = LogFiles.list(dir);
        long cutoff = System.currentTimeMillis() - retention.maxAge().toMillis();
        long total = 0;
        List<Long> sizes = new ArrayList<>();
        for (Path f : files) {
            long s = LogFiles.sizeOrZero(f);
            sizes.add(s);
            total += s;
        }
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            if (f.equals(current)) continue;
            boolean tooOld = LogFiles.lastModifiedOr(f, Long.MAX_VALUE) < cutoff;
            if (tooOld || total > retention.maxBytes()) {
                Files.deleteIfExists(f);
                total -= sizes.get(i);
            }
        }
    }
}
