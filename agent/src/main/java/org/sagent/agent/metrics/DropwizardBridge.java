package org.sagent.agent.metrics;

import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.MapperConfig;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exports the Dropwizard registry through the Prometheus client's own bridge
 * ({@link DropwizardExports}), one series at a time, and groups the series into families.
 *
 * <p>Why not one {@code DropwizardExports} for the whole registry: in the version served to us
 * (1.4.3) the bridge turns every Dropwizard metric into a family of its own, so two series of
 * one family (the same name, other labels) fail the scrape with "duplicate metric name"
 * (prometheus/client_java#1712). Converting each series with the bridge and merging the data
 * points per family keeps the conversion and the text format the library's; this class only
 * names the families and gives them a help text.
 */
final class DropwizardBridge implements MultiCollector {

    /** A Dropwizard metric's place in Prometheus: its family and its labels. */
    private record Series(MetricFamily family, CustomLabelMapper mapper) {
    }

    private final MetricRegistry registry;
    private final Map<String, Series> series = new ConcurrentHashMap<>();
    private final Map<String, String> names = new java.util.HashMap<>();

    DropwizardBridge(MetricRegistry registry) {
        this.registry = registry;
    }

    /**
     * The Dropwizard name to use for one series of {@code family} with {@code labels} (label
     * name, value, ...). Dropwizard has no labels, so the name is a key and the bridge's label
     * mapper puts the labels back.
     */
    synchronized String name(MetricFamily family, String... labels) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return names.computeIfAbsent(family.name() + map, k -> {
            String dropwizardName = family.name() + ".series" + names.size();
            series.put(dropwizardName, new Series(family,
                    new CustomLabelMapper(List.of(new MapperConfig(dropwizardName, family.name(), map)))));
            return dropwizardName;
        });
    }

    @Override
    public MetricSnapshots collect() {
        Map<MetricFamily, List<MetricSnapshot>> byFamily = new LinkedHashMap<>();
        for (String name : registry.getNames()) {
            Series s = series.get(name);
            if (s == null) {
                continue;
            }
            MetricFilter exactly = (candidate, metric) -> candidate.equals(name);
            for (MetricSnapshot snapshot : new DropwizardExports(registry, exactly, s.mapper()).collect()) {
                byFamily.computeIfAbsent(s.family(), f -> new ArrayList<>()).add(snapshot);
            }
        }
        MetricSnapshots.Builder result = MetricSnapshots.builder();
        byFamily.forEach((family, parts) -> result.metricSnapshot(merge(family, parts)));
        return result.build();
    }

    private static MetricSnapshot merge(MetricFamily family, List<MetricSnapshot> parts) {
        MetricMetadata metadata = new MetricMetadata(parts.get(0).getMetadata().getName(), family.help());
        MetricSnapshot first = parts.get(0);
        if (first instanceof CounterSnapshot) {
            return new CounterSnapshot(metadata, points(parts, CounterSnapshot.CounterDataPointSnapshot.class));
        }
        if (first instanceof GaugeSnapshot && family.name().endsWith("_info")) {
            // An info metric (constant 1, the facts in its labels): the client names it NAME_info itself.
            List<InfoSnapshot.InfoDataPointSnapshot> infos = new ArrayList<>();
            for (GaugeSnapshot.GaugeDataPointSnapshot point : points(parts, GaugeSnapshot.GaugeDataPointSnapshot.class)) {
                infos.add(new InfoSnapshot.InfoDataPointSnapshot(point.getLabels()));
            }
            String name = family.name().substring(0, family.name().length() - "_info".length());
            return new InfoSnapshot(new MetricMetadata(name, family.help()), infos);
        }
        if (first instanceof GaugeSnapshot) {
            return new GaugeSnapshot(metadata, points(parts, GaugeSnapshot.GaugeDataPointSnapshot.class));
        }
        if (first instanceof SummarySnapshot) {
            return new SummarySnapshot(metadata, points(parts, SummarySnapshot.SummaryDataPointSnapshot.class));
        }
        throw new IllegalStateException(family.name() + ": the bridge made a " + first.getClass().getSimpleName()
                + ", which sagent does not export");
    }

    private static <T extends DataPointSnapshot> List<T> points(List<MetricSnapshot> parts, Class<T> type) {
        List<T> points = new ArrayList<>();
        for (MetricSnapshot part : parts) {
            for (DataPointSnapshot point : part.getDataPoints()) {
                points.add(type.cast(point));
            }
        }
        return points;
    }
}
