package dev.cistern.agent;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.Zstd;
import dev.cistern.spool.Codec;
import dev.cistern.spool.CodecSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import org.xerial.snappy.Snappy;

/**
 * Checks, before the agent listens, that the native codecs load and round-trip on this platform:
 * Brotli seals every file (and checks the data directory), snappy decodes every remote_write body,
 * zstd seals the streams that chose it. Without it the agent would
 * acknowledge writes its sealer can never write (issue 12: arm64 with an x86-only jar).
 */
final class NativeCheck {
    /** The platforms cistern.jar carries brotli4j natives for (spool/pom.xml). */
    static final String SHIPPED = "linux-x86_64, linux-aarch64, osx-x86_64, osx-aarch64";
    private static final byte[] SAMPLE = "{\"name\":\"up\",\"labels\":{\"job\":\"cistern\"},\"ts\":0,\"value\":1}\n"
            .repeat(4).getBytes(StandardCharsets.UTF_8);

    private NativeCheck() {}

    static void codecs(Collection<CodecSettings> streams) throws IOException {
        brotli();
        snappy();
        if (streams.stream().anyMatch(c -> c.codec() == Codec.ZSTD)) zstd();
    }

    /** zstd-jni unpacks its own native (or loads -DZstdNativePath): checked only when a stream seals with zstd. */
    private static void zstd() throws IOException {
        try {
            if (!Arrays.equals(Zstd.decompress(Zstd.compress(SAMPLE), SAMPLE.length), SAMPLE)) {
                throw new IOException("the zstd native library on " + platform() + " does not give back what it compressed;"
                        + " nothing can be sealed safely with codec zstd");
            }
        } catch (LinkageError e) {
            throw missing("zstd", e);
        }
    }

    private static void brotli() throws IOException {
        try {
            if (!Brotli4jLoader.isAvailable()) throw missing("Brotli", Brotli4jLoader.getUnavailabilityCause());
            DirectDecompress back = Decoder.decompress(Encoder.compress(SAMPLE));
            if (back.getResultStatus() != DecoderJNI.Status.DONE || !Arrays.equals(back.getDecompressedData(), SAMPLE)) {
                throw new IOException("the Brotli native library on " + platform() + " does not give back what it compressed;"
                        + " nothing can be sealed safely. Report it with the output of `java -version`");
            }
        } catch (LinkageError e) {
            throw missing("Brotli", e);
        }
    }

    /** The sample compressed with Brotli: what the data directory check writes. */
    static byte[] brotliSample() throws IOException {
        brotli(); // loads the library when the caller has not
        return Encoder.compress(SAMPLE);
    }

    /** Whether {@code compressed} decompresses to the sample. */
    static boolean isBrotliSample(byte[] compressed) throws IOException {
        DirectDecompress back = Decoder.decompress(compressed);
        return back.getResultStatus() == DecoderJNI.Status.DONE && Arrays.equals(back.getDecompressedData(), SAMPLE);
    }

    private static void snappy() throws IOException {
        try {
            if (!Arrays.equals(Snappy.uncompress(Snappy.compress(SAMPLE)), SAMPLE)) {
                throw new IOException("snappy on " + platform() + " does not give back what it compressed");
            }
        } catch (LinkageError e) {
            throw missing("snappy", e);
        }
    }

    private static IOException missing(String codec, Throwable cause) {
        String why = cause == null ? "not loaded" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new IOException("cannot start: the " + codec + " native library does not load on " + platform() + " (" + why
                + "). Cistern ships natives for " + SHIPPED + ". Run it on one of those with a JDK of the same architecture"
                + " (`java -XshowSettings:properties -version` shows os.arch), or build from source with brotli4j's"
                + " native-<os>-<arch> artifact for this platform on the classpath (docs/operations.md, \"Platforms\")", cause);
    }

    static String platform() {
        return "os.name=" + System.getProperty("os.name") + " os.arch=" + System.getProperty("os.arch")
                + " (" + System.getProperty("os.name").toLowerCase(Locale.ROOT).replace(' ', '-') + "-"
                + System.getProperty("os.arch") + ")";
    }
}
