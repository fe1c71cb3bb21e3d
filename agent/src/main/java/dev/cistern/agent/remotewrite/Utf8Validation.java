package dev.cistern.agent.remotewrite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Whether a byte range is valid UTF-8, as protobuf requires of string fields. Label names and
 * values are nearly always ASCII, which is checked eight bytes at a time; anything else goes
 * through the JDK's strict decoder (it rejects overlong forms, surrogates and code points past
 * U+10FFFF, like protobuf's own check).
 */
final class Utf8Validation {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8Validation() {}

    static boolean isValid(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            if (((long) LONGS.get(b, i) & HIGH_BITS) != 0) return decodes(b, i, end - i);
        }
        for (; i < end; i++) {
            if (b[i] < 0) return decodes(b, i, end - i);
        }
        return true;
    }

    /** Whether every byte is below 0x80: one branch at the end, not one per word. */
    static boolean isAscii(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        long any = 0;
        for (; i + 32 <= end; i += 32) {
            any |= (long) LONGS.get(b, i) | (long) LONGS.get(b, i + 8) | (long) LONGS.get(b, i + 16) | (long) LONGS.get(b, i + 24);
        }
        for (; i + 8 <= end; i += 8) any |= (long) LONGS.get(b, i);
        for (; i < end; i++) any |= b[i] & 0xff;
        return (any & HIGH_BITS) == 0;
    }

    /** {@code off} is at a character boundary: everything before it was ASCII. */
    private static boolean decodes(byte[] b, int off, int len) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b, off, len));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
