package org.sagent.agent.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Puts the latest benchmark figures into docs/benchmarks.md between its two markers, and the
 * chart and the raw samples beside it. The prose around the markers is written by hand.
 */
final class BenchmarkDocs {

    static final String BEGIN = "<!-- results: written by bench/run.sh, do not edit by hand -->";
    static final String END = "<!-- end of results -->";

    private BenchmarkDocs() {
    }

    static void update(Path doc, String table, String machine, String command, Path output) throws IOException {
        String text = Files.readString(doc);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(doc + " lacks the results markers " + BEGIN + " ... " + END);
        }
        String results = BEGIN + "\n\nMachine: " + machine + ".\n\nCommand: `" + command + "`\n\n" + table
                + "\n![Outage distribution per scenario](benchmarks-outage.png)\n\nRaw samples: "
                + "[benchmarks-samples.csv](benchmarks-samples.csv).\n\n";
        Files.writeString(doc, text.substring(0, begin) + results + text.substring(end));
        Path dir = doc.getParent();
        Files.copy(output.resolve("outage.png"), dir.resolve("benchmarks-outage.png"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(output.resolve("samples.csv"), dir.resolve("benchmarks-samples.csv"),
                StandardCopyOption.REPLACE_EXISTING);
    }
}
