package dev.cistern.agent.remotewrite;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** Doubles in rows as the metric rows write them: a JSON number, or {@code "NaN"}, {@code "+Inf"}, {@code "-Inf"}, {@code "stale"}. */
final class JsonNumbers {
    private JsonNumbers() {}

    static void write(JsonGenerator g, double v) throws IOException {
        if (Double.isFinite(v)) g.writeNumber(v);
        else if (Double.doubleToRawLongBits(v) == RemoteWriteRules.STALE_NAN) g.writeString("stale");
        else if (Double.isNaN(v)) g.writeString("NaN");
        else g.writeString(v > 0 ? "+Inf" : "-Inf");
    }
}
