package dev.cistern.agent.remotewrite;

/**
 * Which of a request's extra rows are stored ({@code ingest.remote_write.exemplars} and
 * {@code .metadata}: keep or drop). Histogram samples are always kept. What is not kept is counted
 * in {@code cistern_rows_dropped_total{reason="exemplar_not_kept"|"metadata_not_kept"}}.
 */
public record KeptKinds(boolean exemplars, boolean metadata) {
    public static final KeptKinds ALL = new KeptKinds(true, true);

    public boolean keeps(ExtraRow.Kind kind) {
        return switch (kind) {
            case HISTOGRAM -> true;
            case EXEMPLAR -> exemplars;
            case METADATA -> metadata;
        };
    }
}
