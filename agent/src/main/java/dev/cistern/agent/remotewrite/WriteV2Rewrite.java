package dev.cistern.agent.remotewrite;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cistern.agent.remotewrite.prompb.WriteV2;
import java.nio.ByteBuffer;
import java.util.BitSet;

/** {@link WriteRequestRewrite} for Remote-Write 2.0: the request without what the drop policies took out. */
final class WriteV2Rewrite {
    private WriteV2Rewrite() {}

    static byte[] without(byte[] raw, int len, Drops drops) throws InvalidProtocolBufferException {
        WriteV2.Request req = WriteV2.Request.parseFrom(ByteBuffer.wrap(raw, 0, len));
        WriteV2.Request.Builder out = req.toBuilder().clearTimeseries();
        for (int i = 0; i < req.getTimeseriesCount(); i++) {
            if (drops.seriesDropped(i)) continue;
            WriteV2.TimeSeries ts = req.getTimeseries(i);
            BitSet gone = drops.samplesDropped(i);
            BitSet goneHistograms = drops.histogramsDropped(i);
            WriteV2.TimeSeries.Builder kept = ts.toBuilder().clearSamples().clearHistograms();
            for (int k = 0; k < ts.getSamplesCount(); k++) {
                if (gone == null || !gone.get(k)) kept.addSamples(ts.getSamples(k));
            }
            for (int k = 0; k < ts.getHistogramsCount(); k++) {
                if (goneHistograms == null || !goneHistograms.get(k)) kept.addHistograms(ts.getHistograms(k));
            }
            out.addTimeseries(kept);
        }
        return out.build().toByteArray();
    }
}
