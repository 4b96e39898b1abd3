package org.sagent.agent.health.drbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real DRBD captures (test VMs built as the reference cluster, the reference set-up notes, the
 * documented formats) parsed and judged: each against the verdict written for it by hand in
 * {@code fixtures/drbd-verdicts.tsv}, and every capture of the fence-peer runs against the other
 * formats captured at the same moment.
 */
class DrbdFixtureVerdictsTest {

    static Path fixtures() throws URISyntaxException {
        return Path.of(DrbdFixtureVerdictsTest.class.getResource("/fixtures").toURI());
    }

    record Expected(String file, String resource, Optional<Integer> minor, DrbdVerdict verdict) {
        @Override
        public String toString() {
            return file + " " + resource + minor.map(m -> " minor " + m).orElse("");
        }
    }

    static Stream<Expected> expectations() throws Exception {
        return Files.readAllLines(fixtures().resolve("drbd-verdicts.tsv")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("\t"))
                .map(f -> new Expected(f[0], f[1], f[2].equals("-") ? Optional.empty() : Optional.of(Integer.parseInt(f[2])),
                        new DrbdVerdict(f[3].equals("yes"), f[4].equals("yes"), f[5], f[6])));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expectations")
    void judgesEachCaptureAsWrittenDown(Expected expected) throws Exception {
        String text = Files.readString(fixtures().resolve(expected.file()));
        assertEquals(expected.verdict(), DrbdInput.judge(text, expected.resource(), expected.minor()));
    }

    @Test
    void everyStateCaptureOfTheVmsIsInTheTable() throws Exception {
        List<String> listed = expectations().map(Expected::file).toList();
        try (Stream<Path> files = Files.list(fixtures().resolve("vm-drbd84"))) {
            for (Path file : files.toList()) {
                String name = "vm-drbd84/" + file.getFileName();
                if (!name.contains("show") && !name.contains("-dump-") && !name.contains("json-84-unsupported")) {
                    assertTrue(listed.contains(name), name + " has no verdict in drbd-verdicts.tsv");
                }
            }
        }
    }

    @Test
    void refusesOutputsThatHoldNoState() throws Exception {
        String unsupported = Files.readString(fixtures().resolve("vm-drbd84/drbdsetup-status-json-84-unsupported.txt"));
        assertEquals(DrbdInput.Format.JSON_UNSUPPORTED, DrbdInput.detect(unsupported));
        DrbdParseException e = assertThrows(DrbdParseException.class,
                () -> DrbdInput.judge(unsupported, "sstorage", Optional.empty()));
        assertTrue(e.getMessage().startsWith("this drbdsetup refuses --json: DRBD 8.4 has no JSON status"), e.getMessage());

        String show = Files.readString(fixtures().resolve("vm-drbd84/drbdsetup-84-show.txt"));
        assertEquals(DrbdInput.Format.SHOW_CONFIGURATION, DrbdInput.detect(show));
        assertEquals(Map.of("sstorage", List.of(0)), DrbdShowParser.minors(show));
    }

    /** Captures of one node at one moment, by format; drbdadm status is left out where I/O is suspended (it does not show it). */
    @Test
    void allFormatsCapturedAtOneMomentAgree() throws Exception {
        Map<String, Map<String, DrbdVerdict>> byMoment = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(fixtures().resolve("vm-fence-peer"))) {
            files = walk.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().matches(
                    "(proc-drbd|drbdsetup-events2-now|drbdadm-status|drbdsetup-status)-.*\\.txt")).sorted().toList();
        }
        assertTrue(files.size() >= 50, "fence-peer captures found: " + files.size());
        for (Path file : files) {
            String name = file.getFileName().toString();
            String format = name.replaceAll("^(proc-drbd|drbdsetup-events2-now|drbdadm-status|drbdsetup-status)-.*", "$1");
            String moment = file.getParent().getFileName() + "/" + name.substring(format.length() + 1);
            DrbdVerdict verdict = DrbdInput.judge(Files.readString(file), "sstorage", Optional.empty());
            byMoment.computeIfAbsent(moment, m -> new LinkedHashMap<>()).put(format, verdict);
        }
        List<String> disagreements = new ArrayList<>();
        int compared = 0;
        for (Map.Entry<String, Map<String, DrbdVerdict>> moment : byMoment.entrySet()) {
            Map<String, DrbdVerdict> verdicts = new LinkedHashMap<>(moment.getValue());
            if (verdicts.values().stream().anyMatch(v -> v.state().equals("Suspended"))) {
                verdicts.remove("drbdadm-status");
            }
            // drbd-utils 9 reports the 8.4 kernel's WFConnection as Connecting: the same state.
            if (verdicts.values().stream().map(v -> v.healthy() + " " + v.degraded() + " "
                    + v.state().replace("WFConnection", "Connecting")).distinct().count() > 1) {
                disagreements.add(moment.getKey() + ": " + verdicts);
            }
            compared += verdicts.size() > 1 ? 1 : 0;
        }
        assertTrue(compared >= 15, "moments with several formats: " + compared);
        assertEquals(List.of(), disagreements);
    }
}
