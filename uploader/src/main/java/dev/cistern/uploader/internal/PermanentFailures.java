package dev.cistern.uploader.internal;

import dev.cistern.uploader.log.UploadLog;
import dev.cistern.uploader.log.UploadStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Permanent failures per file name, so a file is quarantined only after several refusals. Seeded
 * from the upload log when an uploader starts, so the count survives restarts and cron runs.
 */
final class PermanentFailures {
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    static PermanentFailures fromLog(Path spoolDir) throws IOException {
        PermanentFailures f = new PermanentFailures();
        UploadLog.forEach(spoolDir, r -> {
            if (r.dryRun() || r.replay()) return;
            String name = fileName(r.file());
            if (r.status() == UploadStatus.FAILED && r.permanent()) f.counts.merge(name, 1, Integer::sum);
            else if (r.status() == UploadStatus.SUCCESS) f.counts.remove(name);
        });
        return f;
    }

    int increment(String fileName) {
        return counts.merge(fileName, 1, Integer::sum);
    }

    int get(String fileName) {
        return counts.getOrDefault(fileName, 0);
    }

    void clear(String fileName) {
        counts.remove(fileName);
    }

    private static String fileName(String relativePath) {
        int slash = relativePath.lastIndexOf('/');
        return slash < 0 ? relativePath : relativePath.substring(slash + 1);
    }
}
