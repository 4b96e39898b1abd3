package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.netlink.lab.NetnsLab;

/**
 * The Grafana dashboard the package ships, queried as Grafana would query it: a real Prometheus
 * (Debian's) in the client namespace scrapes two real agents on the LAN while the replication
 * cable is cut and one node wins (so that the failover, arbitration and I/O-freeze panels have
 * something to show), then every query of every panel is run against it, a range query for a
 * graph and an instant one where the panel asks for it, and must return at least one finite value.
 * Grafana itself is not in Debian 12; its variables are replaced as it would replace them.
 */
class DashboardIT {

    private static final Path DASHBOARD = Path.of("../packaging/src/deb/share/grafana/sagent-dashboard.json");
    private static final String ISOLATION = "isolation:\n  witnesses: [198.51.100.100]\n  witness-timeout: 100ms\n"
            + "  action: stay-frozen\n  handler-deadline: 8s\n";
    private static final String PROMETHEUS = "127.0.0.1:9090";
    private static final Duration MOVE = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    private ClusterLab cluster;

    @Test
    void everyPanelQueryReturnsDataFromARealPrometheusScrapingTwoAgents() throws Exception {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        cluster = new ClusterLab(lab, dir, 2, "auto");
        cluster.appendConfig(ISOLATION);
        cluster.twoNodesHome();

        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global: { scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s }\n"
                + "scrape_configs:\n  - job_name: sagent\n    static_configs:\n      - targets: ['"
                + ClusterLab.lanAddress("s0") + ":9775', '" + ClusterLab.lanAddress("s1") + ":9775']\n");
        long started = System.currentTimeMillis() / 1000;
        lab.start(cluster.client, "prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=" + PROMETHEUS, "--log.level=warn");
        cluster.await(() -> values(query("/api/v1/query", "query", "sum(up{job=\"sagent\"})")).contains(2.0),
                Duration.ofSeconds(30), "Prometheus up and scraping both agents");

        // A cable cut that s0 wins: the failover, arbitration and freeze series get their first values.
        lab.ip(cluster.servers.get("s0"), "link", "set", "eth0", "down");
        cluster.await(() -> cluster.arbitrating("s0") && cluster.arbitrating("s1"), MOVE, "both agents arbitrating");
        CompletableFuture<NetnsLab.Result> s1 = CompletableFuture.supplyAsync(() -> cluster.fencePeer("s1"));
        assertEquals(7, cluster.fencePeer("s0").exitCode(), "s0 wins the arbitration");
        assertEquals(1, s1.get().exitCode(), "s1 stands down");
        cluster.await(() -> cluster.held("s0").equals(ClusterLab.BOTH), MOVE, "s0 holding both addresses");
        cluster.await(() -> !values(query("/api/v1/query", "query",
                        "sum(sagent_failover_duration_seconds_count{job=\"sagent\"}) > 0")).isEmpty(),
                Duration.ofSeconds(15), "Prometheus scraping the failover");
        Thread.sleep(3000);  // a few more scrapes, so that every rate window holds two samples

        long now = System.currentTimeMillis() / 1000;
        String range = (now - started) + "s";
        List<String> failures = new ArrayList<>();
        int queries = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.get("expr").asText().replace("$job", "sagent").replace("$__range", range)
                        .replace("$__rate_interval", "15s");
                JsonNode answer = target.path("instant").asBoolean(false)
                        ? query("/api/v1/query", "query", expr, "time", String.valueOf(now))
                        : query("/api/v1/query_range", "query", expr, "start", String.valueOf(started),
                                "end", String.valueOf(now), "step", "1");
                queries++;
                if (!"success".equals(answer.path("status").asText())
                        || values(answer).stream().noneMatch(Double::isFinite)) {
                    failures.add(panel.get("title").asText() + " / " + target.get("refId").asText() + ": " + expr
                            + "\n    -> " + answer);
                }
            }
        }
        assertTrue(queries >= 30, "every panel's queries were run: " + queries);
        assertTrue(failures.isEmpty(), failures.size() + " of " + queries + " panel queries returned no data:\n"
                + String.join("\n", failures));
    }

    /** Asks Prometheus's HTTP API from the client namespace; {@code parameters} are name, value pairs. */
    private JsonNode query(String path, String... parameters) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-G",
                "http://" + PROMETHEUS + path));
        for (int i = 0; i < parameters.length; i += 2) {
            command.add("--data-urlencode");
            command.add(parameters[i] + "=" + parameters[i + 1]);
        }
        NetnsLab.Result result = lab.exec(cluster.client, command.toArray(String[]::new));
        try {
            return JSON.readTree(result.stdout().isEmpty() ? "{}" : result.stdout());
        } catch (java.io.IOException e) {
            return JSON.createObjectNode().put("error", result.stdout() + result.stderr());
        }
    }

    /** Every sample value in a query's answer (vector, matrix or scalar); NaN and infinities included. */
    private static List<Double> values(JsonNode answer) {
        List<Double> values = new ArrayList<>();
        JsonNode result = answer.path("data").path("result");
        if ("scalar".equals(answer.path("data").path("resultType").asText())) {
            values.add(number(result.get(1).asText()));
            return values;
        }
        for (JsonNode series : result) {
            if (series.has("value")) {
                values.add(number(series.get("value").get(1).asText()));
            }
            for (JsonNode sample : series.path("values")) {
                values.add(number(sample.get(1).asText()));
            }
        }
        return values;
    }

    private static double number(String text) {
        switch (text) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                return Double.parseDouble(text);
        }
    }
}
