package dev.cistern.spool;

/** A row was rejected before anything of it was written. */
public final class InvalidRowException extends IllegalArgumentException {
    public InvalidRowException(String message) {
        super(message);
    }
}
