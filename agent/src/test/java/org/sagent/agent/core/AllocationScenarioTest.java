package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The allocation rules of spec 2.3 on readable scenarios: every {@code *.txt} file under
 * src/test/resources/allocation/ is one case (format: the README.md there), run through
 * {@link Allocation#compute}.
 */
class AllocationScenarioTest {

    private static final String FOLDER = "allocation";

    static Stream<Arguments> scenarios() throws IOException, URISyntaxException {
        URL url = AllocationScenarioTest.class.getClassLoader().getResource(FOLDER);
        if (url == null) {
            throw new IllegalStateException("no " + FOLDER + "/ on the test class path");
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(Path.of(url.toURI()))) {
            files = listed.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no scenario files in " + FOLDER + "/");
        }
        return files.stream().map(p -> Arguments.of(p.getFileName().toString(), p));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void computesTheExpectedAssignment(String name, Path file) throws IOException {
        AllocationScenario scenario = AllocationScenario.parse(FOLDER + "/" + name,
                Files.readString(file, StandardCharsets.UTF_8));
        Map<String, Optional<String>> computed = Allocation.compute(scenario.picture());
        StringBuilder wrong = new StringBuilder();
        scenario.expected().forEach((address, node) -> {
            Optional<String> got = computed.get(address);
            if (!node.equals(got)) {
                wrong.append("\n  ").append(address).append(": expected ").append(shown(node)).append(", computed ")
                        .append(got == null ? "no entry" : shown(got));
            }
        });
        if (!wrong.isEmpty()) {
            fail(scenario.name() + " (" + scenario.rule() + "):" + wrong);
        }
        assertEquals(scenario.expected().keySet(), computed.keySet(), scenario.name() + ": every address, no other");
    }

    private static String shown(Optional<String> node) {
        return node.orElse(AllocationScenario.NOBODY);
    }

    // ---- the parser's own errors ----------------------------------------------------------------

    private static final String VALID = """
            # A healthy home holds its address.

            failback auto 30s
            startup-grace 15s
            #    name number readiness eligible-for up-for disabled seen holds
            node s0   0      OK        1h           1h     no       -    -
            node s1   1      -
            view s0
            address 198.51.100.120 s0
            expect  198.51.100.120 s0
            """;

    @Test
    void aValidFileGivesThePictureItDescribes() {
        AllocationScenario s = AllocationScenario.parse("x.txt", VALID);
        assertEquals("A healthy home holds its address.", s.rule());
        assertEquals(Map.of("s0", 0, "s1", 1), s.picture().nodes());
        assertEquals(List.of("s0"), List.copyOf(s.picture().view()));
        assertTrue(s.picture().states().containsKey("s0"));
        assertTrue(!s.picture().states().containsKey("s1"), "'-' is a node without a state");
        assertEquals(3_600_000, s.picture().states().get("s0").eligibleForMillis());
        assertEquals(Map.of("198.51.100.120", Optional.of("s0")), s.expected());
    }

    @Test
    void mistakesAreReportedWithFileAndLine() {
        assertError(VALID.replace("node s0   0      OK ", "node s0   0      FINE "), "x.txt:6: readiness is OK");
        assertError(VALID.replace("view s0", "view s0 s7"), "x.txt:8: unknown node 's7'");
        assertError(VALID.replace("expect  198.51.100.120 s0", "expect  198.51.100.121 s0"),
                "x.txt:10: unknown address '198.51.100.121'");
        assertError(VALID.replace("expect  198.51.100.120 s0\n", ""),
                "x.txt:9: no 'expect 198.51.100.120 NODE|nobody' line");
        assertError(VALID.replace("failback auto 30s", "failback sometimes 30s"), "x.txt:3: failback mode is auto");
        assertError(VALID.replace("startup-grace 15s", "startup-grace 15"), "x.txt:4: startup-grace is a duration");
        assertError(VALID.replace("view s0", "viwe s0"), "x.txt:8: unknown keyword 'viwe'");
        assertError(VALID.replace("# A healthy home holds its address.\n", ""), "x.txt:1: the file starts with a comment");
        assertError(VALID.replace("node s1   1      -", "node s1   1      OK"), "x.txt:7: readiness 'OK' needs");
    }

    private static void assertError(String text, String start) {
        AllocationScenario.ScenarioError e = assertThrows(AllocationScenario.ScenarioError.class,
                () -> AllocationScenario.parse("x.txt", text));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
