package dev.cistern.agent.journal;

/**
 * An entry larger than the journal takes ({@link Journal#maxEntryBytes}): refused before anything is written, so the
 * journal holds no torn entry and the appender goes on. Only a body the drop rules rewrote can get here (it may
 * compress worse than the client's); the request is refused as too large.
 */
public final class EntryTooLargeException extends IllegalArgumentException {
    public EntryTooLargeException(String message) {
        super(message);
    }
}
