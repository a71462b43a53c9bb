package dev.actiongate.benchmarks;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

/**
 * One line per benchmark with what the target is stated in: the median from SampleTime, next to
 * p0.99 and the AverageTime mean, median and mean also as the difference to the no-agent
 * baseline. JMH's own table lists every percentile per mode, which makes the comparison hard to
 * read. A mode that was not run shows as "-".
 */
final class MedianSummary {

    private static final String BASELINE = NoAgentBenchmark.class.getName() + ".plainCall";

    private MedianSummary() {}

    static void print(Collection<RunResult> results, PrintStream out) {
        Map<String, Row> rows = new TreeMap<>();
        String unit = null;
        for (RunResult result : results) {
            BenchmarkParams params = result.getParams();
            Result<?> primary = result.getPrimaryResult();
            Row row = rows.computeIfAbsent(params.getBenchmark() + parameters(params), name -> new Row());
            unit = primary.getScoreUnit();
            if (params.getMode() == Mode.SampleTime) {
                Statistics statistics = primary.getStatistics();
                row.median = statistics.getPercentile(50);
                row.p99 = statistics.getPercentile(99);
            } else if (params.getMode() == Mode.AverageTime) {
                row.mean = primary.getScore();
                row.meanError = primary.getScoreError();
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        Row baseline = rows.get(BASELINE);
        Row base = baseline == null ? new Row() : baseline; // all NaN: no "extra" column values
        out.println();
        out.println("ActionGate call cost in " + unit
                + (baseline == null
                        ? ""
                        : "; \"extra\" = more than " + shortName(BASELINE) + ", the same call without the agent"));
        String format = "%-50s %10s %10s %10s %10s %10s %10s%n";
        out.printf(Locale.ROOT, format, "Benchmark", "median", "extra", "p0.99", "mean", "± error", "extra");
        rows.forEach((name, row) -> out.printf(
                Locale.ROOT,
                format,
                shortName(name),
                number(row.median),
                delta(row.median, base.median),
                number(row.p99),
                number(row.mean),
                number(row.meanError),
                delta(row.mean, base.mean)));
    }

    /** {@code [rules=100]} for a benchmark with {@code @Param}s, so that each value has its row. */
    private static String parameters(BenchmarkParams params) {
        if (params.getParamsKeys().isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("[");
        for (String key : params.getParamsKeys()) {
            text.append(text.length() > 1 ? "," : "").append(key).append('=').append(params.getParam(key));
        }
        return text.append(']').toString();
    }

    private static String shortName(String benchmark) {
        return benchmark.substring(RunBenchmarks.class.getPackageName().length() + 1);
    }

    private static String delta(double value, double baseline) {
        if (Double.isNaN(value) || Double.isNaN(baseline)) {
            return "-";
        }
        return (value >= baseline ? "+" : "") + number(value - baseline);
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }

    /** The numbers of one benchmark, from its SampleTime and AverageTime runs. */
    private static final class Row {
        double median = Double.NaN;
        double p99 = Double.NaN;
        double mean = Double.NaN;
        double meanError = Double.NaN;
    }
}
