package dev.cistern.cli.bench;

import com.google.protobuf.CodedOutputStream;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.spool.Labels;
import dev.cistern.spool.Series;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * remote_write request bodies encoded before a benchmark's clock starts, shaped the way Prometheus
 * sends them: one TimeSeries per sample (so each series appears once per request with one
 * sample), zero values and timestamps left out, snappy block format around the protobuf WriteRequest.
 */
public final class RemoteWriteRequests {
    private final byte[][] bodies;
    private final int[] samples;

    private RemoteWriteRequests(byte[][] bodies, int[] samples) {
        this.bodies = bodies;
        this.samples = samples;
    }

    public int count() {
        return bodies.length;
    }

    /** Request {@code i}, snappy-compressed. */
    public byte[] body(int i) {
        return bodies[i];
    }

    /** Samples in request {@code i}. */
    public int samples(int i) {
        return samples[i];
    }

    public long totalBodyBytes() {
        long n = 0;
        for (byte[] b : bodies) n += b.length;
        return n;
    }

    /** Rows in order, {@code samplesPerRequest} to a request (the last may hold fewer). */
    public static RemoteWriteRequests encode(Corpus.Rows rows, int samplesPerRequest) throws IOException {
        if (samplesPerRequest < 1) throw new IllegalArgumentException("samples per request must be at least 1");
        Map<Series, byte[]> labelBytes = new IdentityHashMap<>();
        int n = rows.size();
        int requests = (n + samplesPerRequest - 1) / samplesPerRequest;
        byte[][] bodies = new byte[requests][];
        int[] counts = new int[requests];
        for (int r = 0; r < requests; r++) {
            int from = r * samplesPerRequest;
            int to = Math.min(n, from + samplesPerRequest);
            int size = 0;
            for (int i = from; i < to; i++) {
                int ts = timeSeriesSize(labelBytes.computeIfAbsent(rows.series()[i], RemoteWriteRequests::labels),
                        rows.timestamps()[i], rows.values()[i]);
                size += 1 + CodedOutputStream.computeUInt32SizeNoTag(ts) + ts;
            }
            byte[] raw = new byte[size];
            CodedOutputStream out = CodedOutputStream.newInstance(raw);
            for (int i = from; i < to; i++) {
                byte[] labels = labelBytes.get(rows.series()[i]);
                long t = rows.timestamps()[i];
                double v = rows.values()[i];
                out.writeTag(1, 2); // WriteRequest.timeseries
                out.writeUInt32NoTag(timeSeriesSize(labels, t, v));
                out.writeRawBytes(labels); // TimeSeries.labels, already framed
                out.writeTag(2, 2); // TimeSeries.samples
                out.writeUInt32NoTag(sampleSize(t, v));
                if (Double.doubleToRawLongBits(v) != 0) out.writeDouble(1, v); // proto3 leaves zeros out, as Prometheus does
                if (t != 0) out.writeInt64(2, t);
            }
            out.checkNoSpaceLeft();
            bodies[r] = Snappy.compress(raw);
            counts[r] = to - from;
        }
        return new RemoteWriteRequests(bodies, counts);
    }

    private static int sampleSize(long ts, double value) {
        return (Double.doubleToRawLongBits(value) != 0 ? CodedOutputStream.computeDoubleSize(1, value) : 0)
                + (ts != 0 ? CodedOutputStream.computeInt64Size(2, ts) : 0);
    }

    private static int timeSeriesSize(byte[] labels, long ts, double value) {
        int s = sampleSize(ts, value);
        return labels.length + 1 + CodedOutputStream.computeUInt32SizeNoTag(s) + s;
    }

    /**
     * The TimeSeries.labels fields of a series, framed: {@code __name__} first, then the labels in
     * the corpus' order. Prometheus would sort them by name; keeping the corpus order makes the
     * sealed rows byte for byte those of {@code bench write}, so the two rates compare the same work.
     */
    private static byte[] labels(Series s) {
        Labels l = s.labels();
        RemoteWrite.TimeSeries.Builder b = RemoteWrite.TimeSeries.newBuilder();
        b.addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue(s.name()));
        for (int i = 0; i < l.size(); i++) b.addLabels(RemoteWrite.Label.newBuilder().setName(l.key(i)).setValue(l.value(i)));
        return b.build().toByteArray();
    }
}
