package dev.cistern.uploader;

import java.time.Duration;
import java.util.List;

/**
 * What one pass over the waiting files did.
 *
 * @param failures every file that did not go up, with the reason
 */
public record UploadSummary(int uploaded, int skipped, int failed, int quarantined, int deferred, long bytes,
                            Duration elapsed, List<Problem> failures) {

    /** A file that did not go up in this pass. */
    public record Problem(String file, String key, UploadOutcome outcome, String message) {}

    /** True when every file went up (or, in a dry run, would have). */
    public boolean allUploaded() {
        return failed == 0 && quarantined == 0 && deferred == 0;
    }

    public int files() {
        return uploaded + skipped + failed + quarantined + deferred;
    }
}
