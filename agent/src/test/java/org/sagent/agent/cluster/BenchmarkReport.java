package org.sagent.agent.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one benchmark run and their Markdown table: pure (no clock, no kernel), so the
 * statistics are unit-tested on their own.
 */
final class BenchmarkReport {

    /** One repetition of one scenario: the longest client gap and the time two servers held an address. */
    record Sample(String contender, String scenario, long outageMillis, long duplicateMillis) {
    }

    /** A repetition that did not reach its end state in time: reported, never silently dropped. */
    record Failure(String contender, String scenario, String why) {
    }

    /** What one contender costs: start to serving, resident memory and idle CPU, per node averaged. */
    record Footprint(String contender, long startToServingMillis, long rssKib, double idleCpuPercent) {
    }

    /** Nearest-rank order statistics of a list of milliseconds. */
    record Summary(int count, long median, long p95, long max) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private final Map<String, Footprint> footprints = new LinkedHashMap<>();

    synchronized void add(Sample sample) {
        samples.add(sample);
    }

    synchronized void add(Failure failure) {
        failures.add(failure);
    }

    synchronized void add(Footprint footprint) {
        footprints.put(footprint.contender(), footprint);
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    synchronized List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Nearest rank: the p-th percentile is the smallest value with at least p % of the values at or below it. */
    static Summary summarise(List<Long> values) {
        if (values.isEmpty()) {
            return new Summary(0, 0, 0, 0);
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return new Summary(sorted.size(), rank(sorted, 50), rank(sorted, 95), sorted.get(sorted.size() - 1));
    }

    private static long rank(List<Long> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    /** {@code value / baseline} as "0.25×"; "–" when the baseline is zero or absent. */
    static String ratio(long value, Long baseline) {
        if (baseline == null || baseline == 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f×", (double) value / baseline);
    }

    List<Long> outages(String contender, String scenario) {
        return samples().stream().filter(s -> s.contender().equals(contender) && s.scenario().equals(scenario))
                .map(Sample::outageMillis).toList();
    }

    private List<Long> duplicates(String contender, String scenario) {
        return samples().stream().filter(s -> s.contender().equals(contender) && s.scenario().equals(scenario))
                .map(Sample::duplicateMillis).toList();
    }

    private long failed(String contender, String scenario) {
        return failures().stream().filter(f -> f.contender().equals(contender) && f.scenario().equals(scenario))
                .count();
    }

    /**
     * The outage table, one row per scenario and contender, and the footprint table.
     * {@code baselineOf} names, for a contender, the one its ratio is computed against.
     */
    String markdown(List<String> contenders, List<String> scenarios, Map<String, String> baselineOf) {
        StringBuilder md = new StringBuilder();
        md.append("| Scenario | Contender | Runs | Outage median ms | p95 ms | max ms | Duplicate ms (median / max)"
                + " | Median vs keepalived |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (String scenario : scenarios) {
            for (String contender : contenders) {
                Summary outage = summarise(outages(contender, scenario));
                Summary duplicate = summarise(duplicates(contender, scenario));
                long failed = failed(contender, scenario);
                if (outage.count() == 0 && failed == 0) {
                    continue;
                }
                String baseline = baselineOf.get(contender);
                Long baselineMedian = null;
                if (baseline != null && !outages(baseline, scenario).isEmpty()) {
                    baselineMedian = summarise(outages(baseline, scenario)).median();
                }
                md.append(String.format(Locale.ROOT, "| %s | %s | %d%s | %d | %d | %d | %d / %d | %s |%n", scenario,
                        contender, outage.count(), failed == 0 ? "" : " (+" + failed + " failed)", outage.median(),
                        outage.p95(), outage.max(), duplicate.median(), duplicate.max(),
                        baseline == null ? "" : ratio(outage.median(), baselineMedian)));
            }
        }
        md.append("\n| Contender | Start to serving ms | RSS per node MiB | Idle CPU per node |\n");
        md.append("|---|---:|---:|---:|\n");
        synchronized (this) {
            for (String contender : contenders) {
                Footprint f = footprints.get(contender);
                if (f != null) {
                    md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.2f %% |%n", contender,
                            f.startToServingMillis(), f.rssKib() / 1024.0, f.idleCpuPercent()));
                }
            }
        }
        List<Failure> failed = failures();
        if (!failed.isEmpty()) {
            md.append("\nFailed runs (not in the figures above):\n\n");
            for (Failure f : failed) {
                md.append("- ").append(f.contender()).append(", ").append(f.scenario()).append(": ").append(f.why())
                        .append('\n');
            }
        }
        return md.toString();
    }

    /** One line per sample, for anyone who wants to redo the statistics. */
    String csv() {
        StringBuilder csv = new StringBuilder("contender,scenario,outage_ms,duplicate_ms\n");
        for (Sample s : samples()) {
            csv.append(s.contender()).append(',').append(s.scenario()).append(',').append(s.outageMillis()).append(',')
                    .append(s.duplicateMillis()).append('\n');
        }
        return csv.toString();
    }
}
