package dev.cistern.uploader;

import dev.cistern.spool.SealTrailer;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the uploader checked of a file just before shipping it: the CRC32C of the whole file as it was
 * read, and its seal trailer (null for a format-1 file, which has none). Destinations carry it along:
 * S3 gets the CRC as {@code x-amz-checksum-crc32c} (and refuses a body that does not match) and both
 * as object metadata; a directory destination compares its copy with it.
 */
public record FileChecksum(int crc32c, SealTrailer.Seal seal) {

    /** Object metadata keys (S3 sends them as {@code x-amz-meta-<key>}). */
    public static final String META_CRC32C = "cistern-crc32c";
    public static final String META_CONTENT_CRC32C = "cistern-content-crc32c";

    /** The CRC as S3 writes it: base64 of its four big-endian bytes. */
    public String crc32cBase64() {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt(crc32c).array());
    }

    /** The checksums as object metadata, in lowercase hex. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(META_CRC32C, String.format("%08x", crc32c));
        if (seal != null) m.put(META_CONTENT_CRC32C, String.format("%08x", seal.contentCrc()));
        return m;
    }
}
