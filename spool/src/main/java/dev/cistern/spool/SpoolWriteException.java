package dev.cistern.spool;

import java.io.IOException;

/**
 * Writing to disk failed (disk full, I/O error). The open segment was abandoned: what reached its
 * temp file is salvaged by recovery when the spool next opens; rows not yet flushed are lost.
 */
public final class SpoolWriteException extends IOException {
    public SpoolWriteException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
