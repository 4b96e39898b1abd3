package org.sagent.agent.cluster;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;

/** The benchmark's picture: one box per contender and scenario, the outage distribution in ms. */
final class OutageChart {

    private OutageChart() {
    }

    static void write(BenchmarkReport report, List<String> contenders, List<String> scenarios, Path png)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultBoxAndWhiskerCategoryDataset data = new DefaultBoxAndWhiskerCategoryDataset();
        for (String scenario : scenarios) {
            for (String contender : contenders) {
                List<Long> outages = report.outages(contender, scenario);
                if (!outages.isEmpty()) {
                    data.add(outages, contender, scenario);
                }
            }
        }
        JFreeChart chart = ChartFactory.createBoxAndWhiskerChart(
                "Client-visible outage per scenario (ping every 10 ms)", "Scenario", "Outage (ms)", data, true);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        CategoryAxis axis = plot.getDomainAxis();
        axis.setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
        axis.setMaximumCategoryLabelLines(2);
        BoxAndWhiskerRenderer renderer = (BoxAndWhiskerRenderer) plot.getRenderer();
        renderer.setMeanVisible(false);
        renderer.setMaximumBarWidth(0.08);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1200, 600);
    }
}
