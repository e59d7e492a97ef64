package io.pilot.benchmarks;

import java.util.Locale;

/** Section 8 of the report: streamed replies. */
final class StreamsReport {

    private final StreamBenchmark.Result result;
    private final StringBuilder md = new StringBuilder();

    StreamsReport(StreamBenchmark.Result result) {
        this.result = result;
    }

    String render() {
        line("## 8. Streamed replies (engine)");
        line("");
        line(String.format(Locale.ROOT, "`PilotNode.requestStream` against a `MessageHandler.streaming` producer on the "
                + "server's handler pool that makes %d-byte items as it is asked, over an established tunnel on loopback. "
                + "Items/s: one stream of %,d items read by a subscriber that asks for everything, so the caller's credit "
                + "window is what flows; one sample per stream. Time to first item: a fresh stream of one item, from "
                + "`subscribe` to `onNext` (REQUEST_STREAM out, the producer started on the server's pool, the ITEM back, "
                + "the hand-off to the subscriber on a callback thread).", StreamBenchmark.ITEM_BYTES, result.items()));
        line("");
        line("| window | items/s (median) | min - max | first item p50 | first item p99 |");
        line("|---|---|---|---|---|");
        for (StreamBenchmark.Row row : result.rows()) {
            line(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f - %,.0f | %s | %s |", row.window(),
                    row.itemsPerSecond().median(), row.itemsPerSecond().min(), row.itemsPerSecond().max(),
                    MarkdownReport.micros(row.firstItemNanos().median()),
                    MarkdownReport.micros(row.firstItemNanos().percentile(99))));
        }
        line("");
        return md.toString();
    }

    private void line(String text) {
        md.append(text).append('\n');
    }
}
