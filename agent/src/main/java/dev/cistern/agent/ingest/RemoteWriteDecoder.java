package dev.cistern.agent.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cistern.agent.ingest.prompb.RemoteWrite;
import java.io.IOException;
import org.xerial.snappy.Snappy;

/** Decodes and validates a remote_write 1.0 body: snappy block format around a protobuf WriteRequest. */
public final class RemoteWriteDecoder {
    private RemoteWriteDecoder() {}

    /** Decodes the body; every problem is an {@link IngestException} with the status and a short reason. */
    public static RemoteWrite.WriteRequest decode(byte[] body, int len, long maxDecodedBytes) {
        int decodedLen;
        try {
            if (!Snappy.isValidCompressedBuffer(body, 0, len)) throw IngestException.badRequest("malformed_snappy", "body is not valid snappy block data");
            decodedLen = Snappy.uncompressedLength(body, 0, len);
        } catch (IOException e) {
            throw IngestException.badRequest("malformed_snappy", "body is not valid snappy block data");
        }
        if (decodedLen < 0 || decodedLen > maxDecodedBytes) {
            throw IngestException.tooLarge("decompressed body of " + Integer.toUnsignedString(decodedLen)
                    + " bytes is over the limit of " + maxDecodedBytes);
        }
        byte[] raw = new byte[decodedLen];
        try {
            Snappy.uncompress(body, 0, len, raw, 0);
        } catch (IOException e) {
            throw IngestException.badRequest("malformed_snappy", "body is not valid snappy block data");
        }
        RemoteWrite.WriteRequest req;
        try {
            req = RemoteWrite.WriteRequest.parseFrom(raw);
        } catch (InvalidProtocolBufferException e) {
            throw IngestException.badRequest("malformed_protobuf", "body is not a remote_write WriteRequest: " + e.getMessage());
        }
        for (int i = 0; i < req.getTimeseriesCount(); i++) {
            RemoteWrite.TimeSeries ts = req.getTimeseries(i);
            boolean named = false;
            for (RemoteWrite.Label l : ts.getLabelsList()) {
                if (l.getName().equals("__name__") && !l.getValue().isEmpty()) named = true;
                if (l.getName().isEmpty()) throw IngestException.badRequest("invalid_labels", "series " + i + " has a label with an empty name");
            }
            if (!named && ts.getSamplesCount() > 0) {
                throw IngestException.badRequest("invalid_labels", "series " + i + " has no __name__ label");
            }
        }
        return req;
    }
}
