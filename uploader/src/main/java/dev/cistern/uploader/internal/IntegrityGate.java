package dev.cistern.uploader.internal;

import dev.cistern.spool.Quarantine;
import dev.cistern.spool.QuarantineReason;
import dev.cistern.spool.SealTrailer;
import dev.cistern.spool.SpoolEvent;
import dev.cistern.spool.Verifier;
import dev.cistern.uploader.FileChecksum;
import dev.cistern.uploader.UploadItem;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Checks a file just before it is shipped. A format-2 file must carry an intact seal trailer whose
 * length and CRC32C match its bytes (read once, not decoded: every single-bit flip, truncation and
 * overwrite fails); a format-1 file, which has none, must decode to what its name says. A file that
 * fails is never shipped: it moves to quarantine with its reason, logged at WARN and counted.
 */
final class IntegrityGate {
    private static final Logger LOG = Logger.getLogger(IntegrityGate.class.getName());

    /** The file failed its check: quarantined (or, when that failed too, left where it is), and why. */
    record Refusal(QuarantineReason reason, String problem, boolean quarantined) {}

    private final UploadContext ctx;
    private final Quarantine quarantine;

    IntegrityGate(UploadContext ctx, Quarantine quarantine) {
        this.ctx = ctx;
        this.quarantine = quarantine;
    }

    /** The checksum to ship the file with; throws {@link Refused} when it must not be shipped, FileGone when it vanished. */
    FileChecksum admit(UploadItem item, Waiting w, boolean replay) {
        QuarantineReason reason;
        String problem;
        FileChecksum checksum = null;
        try {
            if (SealTrailer.expected(w.name())) {
                SealTrailer.Check c = SealTrailer.check(w.path());
                reason = c.reason();
                problem = c.problem();
                if (c.ok()) checksum = new FileChecksum(c.fileCrc(), c.seal());
            } else {
                Verifier.Result v = Verifier.verify(w.path());
                if (v.reason() == QuarantineReason.UNDECODABLE && !w.path().toFile().exists()) throw new FileGone();
                reason = v.reason();
                problem = v.problem();
            }
        } catch (NoSuchFileException e) {
            throw new FileGone();
        } catch (IOException e) {
            throw new Refused(new Refusal(null, "could not read it to check it: " + e, false));
        }
        if (problem == null) return checksum;
        throw new Refused(refuse(item, w, reason, problem, replay));
    }

    private Refusal refuse(UploadItem item, Waiting w, QuarantineReason reason, String problem, boolean replay) {
        if (replay) {
            // a replay reads uploaded/, which it never changes: the file is reported, not moved
            LOG.warning(() -> "not replaying " + w.path() + ": " + reason + ": " + problem);
            return new Refusal(reason, problem, false);
        }
        try {
            Path moved = quarantine.move(w.path(), w.name().stream(), reason, problem);
            ctx.telemetry().quarantined(reason);
            ctx.publish(new SpoolEvent(SpoolEvent.Type.QUARANTINED, w.name(), moved, reason + ": " + problem));
            LOG.warning(() -> "quarantined " + w.path() + " -> " + moved + " instead of uploading it to " + item.key()
                    + ": " + reason + ": " + problem);
            return new Refusal(reason, problem, true);
        } catch (NoSuchFileException e) {
            throw new FileGone();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "not uploading " + w.path() + " (" + reason + ": " + problem + ") and could not quarantine it: "
                    + e.getMessage() + "; it is checked again on the next pass", e);
            return new Refusal(reason, problem, false);
        }
    }

    /** Thrown by {@link #admit} when the file must not be shipped. */
    static final class Refused extends RuntimeException {
        private final Refusal refusal;

        Refused(Refusal refusal) {
            super(refusal.problem(), null, false, false);
            this.refusal = refusal;
        }

        Refusal refusal() {
            return refusal;
        }
    }
}
