package org.sagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped Grafana dashboard's shape, as Grafana's dashboard schema wants it and as an
 * administrator imports it: panels on the 24-column grid without overlap, every query on the
 * chosen data source and job, and only metrics sagent exports (README's metrics table). That
 * every query returns data from real agents is DashboardIT's part.
 */
class DashboardTest {

    private static final Path DASHBOARD = Path.of("src/deb/share/grafana/sagent-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b(sagent_[a-z_]+|process_[a-z_]+|up)\\b(\\{[^}]*})?");

    private final JsonNode dashboard = read();

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (java.io.IOException e) {
            throw new AssertionError(DASHBOARD + " is not JSON", e);
        }
    }

    private List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        dashboard.get("panels").forEach(panels::add);
        return panels;
    }

    @Test
    void theDashboardHasWhatGrafanasSchemaRequiresAndTheVariablesItsQueriesUse() {
        assertTrue(dashboard.get("schemaVersion").isInt());
        assertTrue(dashboard.get("annotations").get("list").isArray());
        assertEquals("sagent-overview", dashboard.get("uid").asText(), "a stable uid: a re-import replaces, not duplicates");
        List<String> variables = new ArrayList<>();
        dashboard.get("templating").get("list").forEach(v -> variables.add(v.get("type").asText() + ":" + v.get("name").asText()));
        assertEquals(List.of("datasource:datasource", "query:job"), variables);
    }

    @Test
    void panelsSitOnTheGridWithoutOverlapAndEachIdIsUnique() {
        Set<Integer> ids = new HashSet<>();
        Set<String> cells = new HashSet<>();
        for (JsonNode panel : panels()) {
            String title = panel.get("title").asText();
            assertTrue(ids.add(panel.get("id").asInt()), "duplicate id: " + title);
            assertFalse(panel.get("type").asText().isEmpty(), title);
            JsonNode grid = panel.get("gridPos");
            int x = grid.get("x").asInt();
            int y = grid.get("y").asInt();
            int w = grid.get("w").asInt();
            int h = grid.get("h").asInt();
            assertTrue(w >= 1 && h >= 1 && x >= 0 && y >= 0 && x + w <= 24, title + " off the 24-column grid: " + grid);
            for (int i = x; i < x + w; i++) {
                for (int j = y; j < y + h; j++) {
                    assertTrue(cells.add(i + "," + j), title + " overlaps another panel at column " + i + ", row " + j);
                }
            }
        }
    }

    @Test
    void everyQueryUsesTheChosenDataSourceAndJobAndOnlyMetricsSagentExports() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        Set<String> unknown = new TreeSet<>();
        int queries = 0;
        for (JsonNode panel : panels()) {
            if (panel.get("type").asText().equals("row")) {
                continue;
            }
            String title = panel.get("title").asText();
            assertEquals("${datasource}", panel.get("datasource").get("uid").asText(), title);
            assertFalse(panel.get("description").asText().isEmpty(), title + " says what it shows");
            Set<String> refIds = new HashSet<>();
            assertTrue(panel.get("targets").size() > 0, title + " has no query");
            for (JsonNode target : panel.get("targets")) {
                queries++;
                assertTrue(refIds.add(target.get("refId").asText()), title + ": duplicate refId");
                assertEquals("${datasource}", target.get("datasource").get("uid").asText(), title);
                String expr = target.get("expr").asText();
                Matcher metric = METRIC.matcher(expr);
                int found = 0;
                while (metric.find()) {
                    found++;
                    assertEquals("{job=\"$job\"}", metric.group(2), title + ": " + metric.group(1)
                            + " not selected by the job variable in " + expr);
                    String family = metric.group(1).replaceAll("_(bucket|sum|count)$", "");
                    if (family.startsWith("sagent_") && !readme.contains("`" + family + "`")) {
                        unknown.add(family);
                    }
                }
                assertTrue(found > 0, title + ": no metric in " + expr);
            }
        }
        assertTrue(queries >= 30, "queries: " + queries);
        assertTrue(unknown.isEmpty(), "metrics the dashboard uses that README's metrics table does not list: " + unknown);
    }
}
