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

    @Test
    void theTimeFieldIsReadInThePassThatValidates() {
        byte[] row = "{\"ts\":5,\"at\":\"x\",\"o\":{\"at\":7},\"at\":9}".getBytes(StandardCharsets.UTF_8);
        JsonLines.TimeReader integral = (p, v) -> v == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT ? p.getLongValue()
                : JsonLines.BAD_TIME;
        assertEquals(9, JsonLines.validate(row, 0, row.length, "at", integral, 64), "top level only, the last one");
        assertEquals(JsonLines.NO_TIME, JsonLines.validate(row, 0, row.length, "none", integral, 64));
        assertEquals(5, JsonLines.validate(row, 0, row.length, 0L));
        byte[] big = "{\"ts\":99999999999999999999}".getBytes(StandardCharsets.UTF_8);
        assertEquals(42, JsonLines.validate(big, 0, big.length, 42L), "an integer past a long is no ts, and valid JSON");
        JsonLines.check(big, 0, big.length);
        byte[] broken = "{\"ts\":1".getBytes(StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertThrows(InvalidRowException.class, () -> JsonLines.check(broken, 0, broken.length));
    }
}
