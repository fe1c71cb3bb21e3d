package dev.cistern.agent.remotewrite;

import java.io.IOException;
import java.util.function.LongConsumer;
import org.xerial.snappy.Snappy;

/** Decompresses a remote_write 1.0 body: snappy block format around a protobuf WriteRequest. */
public final class RemoteWriteDecoder {
    private RemoteWriteDecoder() {}

    /** A decompressed body: the first {@code length} bytes of {@code bytes}. */
    public record Decoded(byte[] bytes, int length) {}

    /**
     * Decompresses {@code body} into {@code reuse} when it is big enough, else into a new array.
     * Every problem is an {@link InvalidWriteRequestException} with a short reason.
     */
    public static Decoded decompress(byte[] body, int len, long maxDecodedBytes, byte[] reuse) {
        return decompress(body, len, maxDecodedBytes, reuse, bytes -> { });
    }

    /** As {@link #decompress(byte[], int, long, byte[])}, charging {@code charge} with the decompressed size before it allocates. */
    public static Decoded decompress(byte[] body, int len, long maxDecodedBytes, byte[] reuse, LongConsumer charge) {
        int decodedLen;
        try {
            decodedLen = Snappy.uncompressedLength(body, 0, len);
        } catch (IOException e) {
            throw InvalidWriteRequestException.malformed("malformed_snappy", "body is not valid snappy block data");
        }
        if (decodedLen < 0 || decodedLen > maxDecodedBytes) {
            throw InvalidWriteRequestException.tooLarge("decompressed body of " + Integer.toUnsignedString(decodedLen)
                    + " bytes is over the limit of " + maxDecodedBytes);
        }
        charge.accept(decodedLen); // even into the reused buffer: it is the thread's, kept only when small
        byte[] raw = reuse != null && reuse.length >= decodedLen ? reuse : new byte[decodedLen];
        try {
            // snappy checks the input as it goes and fails unless exactly the declared length comes out
            if (Snappy.uncompress(body, 0, len, raw, 0) != decodedLen) throw new IOException("length mismatch");
        } catch (IOException e) {
            throw InvalidWriteRequestException.malformed("malformed_snappy", "body is not valid snappy block data");
        }
        return new Decoded(raw, decodedLen);
    }
}
