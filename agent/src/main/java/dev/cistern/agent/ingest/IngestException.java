package dev.cistern.agent.ingest;

import dev.cistern.agent.http.HttpException;
import dev.cistern.agent.remotewrite.InvalidWriteRequestException;

/** A request refused before anything of it was written: the HTTP status, a metric reason and a message. */
final class IngestException extends HttpException {

    IngestException(int status, String reason, String message) {
        super(status, reason, message);
    }

    public static IngestException badRequest(String reason, String message) {
        return new IngestException(400, reason, message);
    }

    public static IngestException tooLarge(String message) {
        return new IngestException(413, "too_large", message);
    }

    /** A remote_write body that does not decode: 413 when it decompresses past the limit, else 400. */
    static IngestException of(InvalidWriteRequestException e) {
        return new IngestException(e.tooLarge() ? 413 : 400, e.reason(), e.getMessage());
    }
}
