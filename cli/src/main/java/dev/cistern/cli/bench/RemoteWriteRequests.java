package dev.cistern.cli.bench;

import com.google.protobuf.CodedOutputStream;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.spool.Labels;
import dev.cistern.spool.Series;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.xerial.snappy.Snappy;

/**
 * remote_write request bodies encoded before a benchmark's clock starts, shaped the way Prometheus
 * sends them: one TimeSeries per sample (so a series appears once per sample it has in the request),
 * zero values and timestamps left out, snappy block format around the protobuf WriteRequest
 * (Remote-Write 1.0 here, 2.0 in {@link RemoteWriteV2Requests}).
 */
public final class RemoteWriteRequests {
    /** The message the bodies are, and the headers that say so. */
    public enum Protocol {
        V1("application/x-protobuf", "0.1.0"),
        V2("application/x-protobuf;proto=io.prometheus.write.v2.Request", "2.0.0");

        final String contentType;
        final String version;

        Protocol(String contentType, String version) {
            this.contentType = contentType;
            this.version = version;
        }
    }

    private final Protocol protocol;
    private final byte[][] bodies;
    private final int[] samples;
    private final long histogramSamples;

    RemoteWriteRequests(Protocol protocol, byte[][] bodies, int[] samples, long histogramSamples) {
        this.protocol = protocol;
        this.bodies = bodies;
        this.samples = samples;
        this.histogramSamples = histogramSamples;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** Of all the samples, how many are native histogram samples. */
    public long histogramSamples() {
        return histogramSamples;
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

    /** Rows in order, {@code samplesPerRequest} to a request, in {@code protocol}; the rows of {@code histograms} as histograms. */
    public static RemoteWriteRequests encode(Protocol protocol, Corpus.Rows rows, int samplesPerRequest, Set<Series> histograms)
            throws IOException {
        return protocol == Protocol.V2 ? RemoteWriteV2Requests.encode(rows, samplesPerRequest, histograms)
                : encode(rows, samplesPerRequest, histograms);
    }

    /** Rows in order, {@code samplesPerRequest} to a request (the last may hold fewer), as 1.0 float samples. */
    public static RemoteWriteRequests encode(Corpus.Rows rows, int samplesPerRequest) throws IOException {
        return encode(rows, samplesPerRequest, Set.of());
    }

    /** As {@link #encode(Corpus.Rows, int)}, the rows of {@code histograms} sent as native histogram samples. */
    public static RemoteWriteRequests encode(Corpus.Rows rows, int samplesPerRequest, Set<Series> histograms) throws IOException {
        if (samplesPerRequest < 1) throw new IllegalArgumentException("samples per request must be at least 1");
        Map<Series, byte[]> labelBytes = new IdentityHashMap<>();
        int n = rows.size();
        int requests = (n + samplesPerRequest - 1) / samplesPerRequest;
        byte[][] bodies = new byte[requests][];
        int[] counts = new int[requests];
        long histogramSamples = 0;
        for (int r = 0; r < requests; r++) {
            int from = r * samplesPerRequest;
            int to = Math.min(n, from + samplesPerRequest);
            byte[][] samples = new byte[to - from][]; // each TimeSeries' samples or histograms field, framed
            int size = 0;
            for (int i = from; i < to; i++) {
                boolean h = histograms.contains(rows.series()[i]);
                samples[i - from] = h ? field(4, BenchHistograms.message(rows.timestamps()[i], rows.values()[i]))
                        : field(2, sample(rows.timestamps()[i], rows.values()[i]));
                if (h) histogramSamples++;
                int ts = labelBytes.computeIfAbsent(rows.series()[i], RemoteWriteRequests::labels).length + samples[i - from].length;
                size += 1 + CodedOutputStream.computeUInt32SizeNoTag(ts) + ts;
            }
            byte[] raw = new byte[size];
            CodedOutputStream out = CodedOutputStream.newInstance(raw);
            for (int i = from; i < to; i++) {
                byte[] labels = labelBytes.get(rows.series()[i]);
                out.writeTag(1, 2); // WriteRequest.timeseries
                out.writeUInt32NoTag(labels.length + samples[i - from].length);
                out.writeRawBytes(labels); // TimeSeries.labels, already framed
                out.writeRawBytes(samples[i - from]);
            }
            out.checkNoSpaceLeft();
            bodies[r] = Snappy.compress(raw);
            counts[r] = to - from;
        }
        return new RemoteWriteRequests(Protocol.V1, bodies, counts, histogramSamples);
    }

    /** A Sample message (the same in 1.0 and 2.0): proto3 leaves zeros out, as Prometheus does. */
    static byte[] sample(long ts, double value) throws IOException {
        int size = (Double.doubleToRawLongBits(value) != 0 ? CodedOutputStream.computeDoubleSize(1, value) : 0)
                + (ts != 0 ? CodedOutputStream.computeInt64Size(2, ts) : 0);
        byte[] b = new byte[size];
        CodedOutputStream out = CodedOutputStream.newInstance(b);
        if (Double.doubleToRawLongBits(value) != 0) out.writeDouble(1, value);
        if (ts != 0) out.writeInt64(2, ts);
        out.checkNoSpaceLeft();
        return b;
    }

    /** Field {@code number} of a message, length-delimited, framed: tag, length, bytes. */
    static byte[] field(int number, byte[] message) throws IOException {
        byte[] b = new byte[CodedOutputStream.computeByteArraySize(number, message)];
        CodedOutputStream out = CodedOutputStream.newInstance(b);
        out.writeByteArray(number, message);
        out.checkNoSpaceLeft();
        return b;
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
