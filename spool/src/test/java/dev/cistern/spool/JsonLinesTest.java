package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonLinesTest {

    private static boolean jdkAccepts(byte[] b) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            d.decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void utf8CheckAgreesWithTheJdkDecoderOnRandomBytes() {
        Random rnd = new Random(99);
        int accepted = 0;
        for (int i = 0; i < 300_000; i++) {
            byte[] b = new byte[1 + rnd.nextInt(6)];
            for (int k = 0; k < b.length; k++) {
                // Bias toward the interesting bytes: leads, continuations and the boundaries between them.
                b[k] = (byte) switch (rnd.nextInt(4)) {
                    case 0 -> rnd.nextInt(256);
                    case 1 -> 0x80 + rnd.nextInt(64);
                    case 2 -> 0xc0 + rnd.nextInt(64);
                    default -> 0x20 + rnd.nextInt(96);
                };
            }
            boolean ours = JsonLines.firstInvalidUtf8(b, 0, b.length) < 0;
            assertEquals(jdkAccepts(b), ours, () -> java.util.HexFormat.of().formatHex(b));
            if (ours) accepted++;
        }
        // Enough valid multi-byte input got through to make the comparison mean something.
        org.junit.jupiter.api.Assertions.assertTrue(accepted > 10_000, "accepted " + accepted);
    }

    @Test
    void utf8CheckRespectsTheSlice() {
        byte[] b = {(byte) 0xff, 'a', (byte) 0xc3, (byte) 0xa9, (byte) 0xff};
        assertEquals(-1, JsonLines.firstInvalidUtf8(b, 1, 3));
        assertEquals(2, JsonLines.firstInvalidUtf8(b, 1, 2), "a sequence cut by the slice end is invalid");
        assertEquals(0, JsonLines.firstInvalidUtf8(b, 0, 5));
    }
}
