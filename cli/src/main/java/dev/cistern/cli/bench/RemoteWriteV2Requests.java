package dev.cistern.cli.bench;

import com.google.protobuf.CodedOutputStream;
import dev.cistern.spool.Labels;
import dev.cistern.spool.Series;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xerial.snappy.Snappy;

/**
 * The rows {@link RemoteWriteRequests#encode} sends, as Remote-Write 2.0 Requests the way Prometheus
 * builds them: a symbols table per request ({@code ""} first, then each string once, in the order
 * first used), one TimeSeries per sample with its label refs packed, {@code __name__} first and the
 * labels in the corpus' order as in 1.0, so both protocols carry the same rows.
 */
final class RemoteWriteV2Requests {
    private RemoteWriteV2Requests() {}

    static RemoteWriteRequests encode(Corpus.Rows rows, int samplesPerRequest, Set<Series> histograms) throws IOException {
        if (samplesPerRequest < 1) throw new IllegalArgumentException("samples per request must be at least 1");
        int n = rows.size();
        int requests = (n + samplesPerRequest - 1) / samplesPerRequest;
        byte[][] bodies = new byte[requests][];
        int[] counts = new int[requests];
        long histogramSamples = 0;
        for (int r = 0; r < requests; r++) {
            int from = r * samplesPerRequest;
            int to = Math.min(n, from + samplesPerRequest);
            Map<String, Integer> symbols = new HashMap<>();
            List<String> table = new ArrayList<>();
            symbol("", symbols, table);
            Map<Series, byte[]> refs = new IdentityHashMap<>();
            ByteArrayOutputStream series = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(series);
            for (int i = from; i < to; i++) {
                Series s = rows.series()[i];
                boolean h = histograms.contains(s);
                byte[] refField = refs.computeIfAbsent(s, x -> refs(x, symbols, table));
                byte[] sample = h ? RemoteWriteRequests.field(3, BenchHistograms.message(rows.timestamps()[i], rows.values()[i]))
                        : RemoteWriteRequests.field(2, RemoteWriteRequests.sample(rows.timestamps()[i], rows.values()[i]));
                if (h) histogramSamples++;
                out.writeTag(5, 2); // Request.timeseries
                out.writeUInt32NoTag(refField.length + sample.length);
                out.writeRawBytes(refField);
                out.writeRawBytes(sample);
            }
            out.flush();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            CodedOutputStream head = CodedOutputStream.newInstance(request);
            for (String sym : table) head.writeString(4, sym); // Request.symbols
            head.flush();
            series.writeTo(request);
            bodies[r] = Snappy.compress(request.toByteArray());
            counts[r] = to - from;
        }
        return new RemoteWriteRequests(RemoteWriteRequests.Protocol.V2, bodies, counts, histogramSamples);
    }

    private static int symbol(String s, Map<String, Integer> symbols, List<String> table) {
        return symbols.computeIfAbsent(s, x -> {
            table.add(x);
            return table.size() - 1;
        });
    }

    /** The TimeSeries.labels_refs field of a series, packed and framed. */
    private static byte[] refs(Series s, Map<String, Integer> symbols, List<String> table) {
        Labels l = s.labels();
        int[] refs = new int[2 + 2 * l.size()];
        refs[0] = symbol("__name__", symbols, table);
        refs[1] = symbol(s.name(), symbols, table);
        for (int i = 0; i < l.size(); i++) {
            refs[2 + 2 * i] = symbol(l.key(i), symbols, table);
            refs[3 + 2 * i] = symbol(l.value(i), symbols, table);
        }
        int size = 0;
        for (int ref : refs) size += CodedOutputStream.computeUInt32SizeNoTag(ref);
        byte[] b = new byte[1 + CodedOutputStream.computeUInt32SizeNoTag(size) + size];
        CodedOutputStream out = CodedOutputStream.newInstance(b);
        try {
            out.writeTag(1, 2);
            out.writeUInt32NoTag(size);
            for (int ref : refs) out.writeUInt32NoTag(ref);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("a byte array of the computed size", e);
        }
        return b;
    }
}
