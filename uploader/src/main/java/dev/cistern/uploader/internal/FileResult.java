package dev.cistern.uploader.internal;

import dev.cistern.uploader.UploadOutcome;

/** How one file fared in one pass, for the pass tally. */
record FileResult(Waiting file, String key, UploadOutcome outcome, String message) {}
