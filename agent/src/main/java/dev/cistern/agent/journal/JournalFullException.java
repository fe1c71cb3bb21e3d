package dev.cistern.agent.journal;

import java.io.IOException;

/** An entry could not be appended whole because the journal's disk is full; it is not acknowledged. */
public final class JournalFullException extends IOException {
    public JournalFullException(String message) {
        super(message);
    }
}
