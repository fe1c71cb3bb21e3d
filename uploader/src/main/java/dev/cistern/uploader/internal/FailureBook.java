package dev.cistern.uploader.internal;

import dev.cistern.spool.Quarantine;
import dev.cistern.spool.QuarantineReason;
import dev.cistern.spool.SpoolEvent;
import dev.cistern.uploader.UploadItem;
import dev.cistern.uploader.UploadPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The failure book of an uploader: permanent refusals per file, when a file that failed may be
 * tried again, and the decision to quarantine a file the destination refused too many times.
 * Replays never write in it.
 */
final class FailureBook {
    private static final Logger LOG = Logger.getLogger(FailureBook.class.getName());

    private final UploadContext ctx;
    private final PermanentFailures permanent;
    private final Quarantine quarantine;
    /** Continuous mode: a file that failed waits until this time (epoch ms) before its next try. */
    private final Map<String, Long> notBefore = new ConcurrentHashMap<>();

    FailureBook(UploadContext ctx, PermanentFailures permanent, Quarantine quarantine) {
        this.ctx = ctx;
        this.permanent = permanent;
        this.quarantine = quarantine;
    }

    /** Whether a file's wait after its last failure is over. */
    boolean due(Waiting w, long nowMillis) {
        return notBefore.getOrDefault(w.name().fileName(), 0L) <= nowMillis;
    }

    /** Counts one more permanent refusal of the file; returns how many there were. */
    int refused(String fileName) {
        return permanent.increment(fileName);
    }

    /** The file went up, or into quarantine: nothing more to count or wait for. */
    void forget(String fileName) {
        permanent.clear(fileName);
        notBefore.remove(fileName);
    }

    /**
     * A file's last attempt failed: quarantines it once the destination refused it
     * {@link UploadPolicy#permanentFailureLimit()} times (returns true), else sets when it may be tried again.
     */
    boolean failed(UploadItem item, Waiting w, boolean refusedForGood, String message) {
        UploadPolicy policy = ctx.policy();
        String name = w.name().fileName();
        if (!refusedForGood) {
            notBefore.put(name, System.currentTimeMillis() + policy.backoffMaxDelay().toMillis());
            return false;
        }
        int count = permanent.get(name);
        if (count >= policy.permanentFailureLimit() && quarantine(item, w, count, message)) return true;
        notBefore.put(name, System.currentTimeMillis() + policy.permanentRetryDelay().toMillis());
        return false;
    }

    private boolean quarantine(UploadItem item, Waiting w, int count, String message) {
        String destination = ctx.destinationName();
        try {
            Path moved = quarantine.move(w.path(), w.name().stream(), QuarantineReason.REJECTED_BY_DESTINATION,
                    destination + " refused key " + item.key() + " " + count + " times; last: " + message);
            forget(w.name().fileName());
            ctx.telemetry().quarantined(QuarantineReason.REJECTED_BY_DESTINATION);
            ctx.publish(new SpoolEvent(SpoolEvent.Type.QUARANTINED, w.name(), moved,
                    QuarantineReason.REJECTED_BY_DESTINATION + ": " + message));
            LOG.warning(() -> "quarantined " + w.path() + " -> " + moved + ": " + destination + " refused it "
                    + count + " times (" + message + ")");
            return true;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not quarantine " + w.path() + ": " + e.getMessage(), e);
            return false;
        }
    }
}
