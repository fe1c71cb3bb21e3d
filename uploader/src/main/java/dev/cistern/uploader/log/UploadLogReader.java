package dev.cistern.uploader.log;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/** Reads a spool's upload log without opening it for writing (safe while an uploader runs). */
final class UploadLogReader {
    private UploadLogReader() {}

    /** Every record, oldest first; lines that do not parse are skipped. */
    static void forEach(Path logDir, Consumer<UploadRecord> visitor) throws IOException {
        for (Path f : LogFiles.list(logDir)) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    UploadRecord rec = UploadRecordCodec.parse(line);
                    if (rec != null) visitor.accept(rec);
                }
            } catch (NoSuchFileException e) {
                // deleted by retention while we read
            }
        }
    }

    static UploadLog.Result query(Path logDir, UploadLog.Query q) throws IOException {
        ArrayDeque<UploadRecord> last = new ArrayDeque<>();
        long[] matched = {0};
        forEach(logDir, r -> {
            if (q.status() != null && r.status() != q.status()) return;
            if (r.ts() < q.since()) return;
            matched[0]++;
            last.addLast(r);
            if (q.limit() > 0 && last.size() > q.limit()) last.removeFirst();
        });
        return new UploadLog.Result(List.copyOf(last), matched[0]);
    }
}
