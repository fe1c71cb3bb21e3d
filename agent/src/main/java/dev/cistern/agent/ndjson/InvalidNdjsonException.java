package dev.cistern.agent.ndjson;

/** An NDJSON body with a line that is not one JSON object; the message names the line. */
public final class InvalidNdjsonException extends RuntimeException {
    InvalidNdjsonException(String message) {
        super(message);
    }
}
