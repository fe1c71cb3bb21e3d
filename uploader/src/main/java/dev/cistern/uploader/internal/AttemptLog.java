package dev.cistern.uploader.internal;

import dev.cistern.uploader.UploadItem;
import dev.cistern.uploader.log.UploadLog;
import dev.cistern.uploader.log.UploadRecord;
import dev.cistern.uploader.log.UploadStatus;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Writes each attempt to the upload log; a log that cannot be written is warned about, never fatal to an upload. */
final class AttemptLog {
    private static final Logger LOG = Logger.getLogger(AttemptLog.class.getName());

    /** One attempt at one file, as the log wants it. */
    record Attempt(UploadItem item, String file, int number, boolean replay) {}

    private final UploadContext ctx;
    private final UploadLog log;

    AttemptLog(UploadContext ctx, UploadLog log) {
        this.ctx = ctx;
        this.log = log;
    }

    void record(Attempt a, UploadStatus status, String message, long nanos, boolean permanent) {
        UploadItem item = a.item();
        UploadRecord r = new UploadRecord(System.currentTimeMillis(), a.file(), item.segment().stream(), ctx.destinationName(),
                item.key(), status, message, TimeUnit.NANOSECONDS.toMillis(nanos), item.bytes(), a.number(), permanent,
                ctx.policy().dryRun(), a.replay());
        try {
            log.append(r);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not write the upload log in " + log.directory() + ": " + e.getMessage(), e);
        }
    }

    /** Waits until every attempt recorded so far is in the log file. */
    void flush() throws InterruptedException {
        log.flush();
    }
}
