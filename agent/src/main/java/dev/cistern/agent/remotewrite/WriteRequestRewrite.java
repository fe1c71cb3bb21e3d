package dev.cistern.agent.remotewrite;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * A request without what the drop policies took out, so the journal holds exactly the rows that
 * are written and a replay needs neither the rules nor the clock of the first pass. Only requests
 * that lose something come here; the generated parser accepts everything the validator does.
 */
final class WriteRequestRewrite {
    private WriteRequestRewrite() {}

    static byte[] without(byte[] raw, int len, Drops drops) throws InvalidProtocolBufferException {
        RemoteWrite.WriteRequest req = RemoteWrite.WriteRequest.parseFrom(ByteBuffer.wrap(raw, 0, len));
        RemoteWrite.WriteRequest.Builder out = req.toBuilder().clearTimeseries();
        for (int i = 0; i < req.getTimeseriesCount(); i++) {
            if (drops.seriesDropped(i)) continue;
            RemoteWrite.TimeSeries ts = req.getTimeseries(i);
            BitSet gone = drops.samplesDropped(i);
            BitSet goneHistograms = drops.histogramsDropped(i);
            if (gone == null && goneHistograms == null) {
                out.addTimeseries(ts);
                continue;
            }
            RemoteWrite.TimeSeries.Builder kept = ts.toBuilder().clearSamples().clearHistograms();
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
