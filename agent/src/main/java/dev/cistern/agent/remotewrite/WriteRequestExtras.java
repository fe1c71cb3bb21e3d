package dev.cistern.agent.remotewrite;

import static dev.cistern.agent.remotewrite.WriteRequestWire.*;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads remote_write 1.0's exemplars and metadata (validated before) into {@link ExtraRows}. */
final class WriteRequestExtras {
    private WriteRequestExtras() {}

    /** An Exemplar message, {@code in} positioned in it. */
    static void exemplar(CodedInputStream in, int end, ExtraRows out) throws IOException {
        List<String> labels = new ArrayList<>();
        double value = 0;
        long ts = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == EXEMPLAR_LABELS) {
                int limit = enter(in, end);
                String k = "";
                String v = "";
                int t;
                while ((t = in.readTag()) != 0) {
                    if (t == LABEL_NAME) k = in.readStringRequireUtf8();
                    else if (t == LABEL_VALUE) v = in.readStringRequireUtf8();
                    else skip(in, t);
                }
                in.popLimit(limit);
                labels.add(k);
                labels.add(v);
            } else if (tag == EXEMPLAR_VALUE) {
                value = in.readDouble();
            } else if (tag == EXEMPLAR_TIMESTAMP) {
                ts = in.readInt64();
            } else {
                skip(in, tag);
            }
        }
        out.exemplar(ts, value, labels.toArray(new String[0]));
    }

    /** A MetricMetadata message: a row of its own, its series the family name with no labels but the static ones. */
    static void metadata(CodedInputStream in, WriteRequestReader.SeriesMaker maker, ExtraRows out) throws IOException {
        int type = 0;
        String name = "";
        String help = "";
        String unit = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == METADATA_TYPE) type = in.readInt32();
            else if (tag == METADATA_FAMILY_NAME) name = in.readStringRequireUtf8();
            else if (tag == METADATA_HELP) help = in.readStringRequireUtf8();
            else if (tag == METADATA_UNIT) unit = in.readStringRequireUtf8();
            else skip(in, tag);
        }
        out.add(new ExtraRow(ExtraRow.Kind.METADATA, maker.make(name, new String[0]), ExtraRow.NO_TS,
                new ExtraRow.Metadata(type, help, unit, 0)));
    }
}
