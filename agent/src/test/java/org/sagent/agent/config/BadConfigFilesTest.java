package org.sagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code config/bad/} is rejected with the exact message its first line
 * announces ({@code # expect: LINE:COLUMN: MESSAGE}): the wording administrators will read.
 */
class BadConfigFilesTest {

    private static final String EXPECT = "# expect: ";

    static Stream<Path> badFiles() throws IOException, URISyntaxException {
        Path dir = Path.of(BadConfigFilesTest.class.getResource("/config/bad").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void isRejectedWithTheAnnouncedMessage(Path file) throws IOException {
        String firstLine = Files.readAllLines(file).get(0);
        assertTrue(firstLine.startsWith(EXPECT), file + " must start with '" + EXPECT + "LINE:COLUMN: MESSAGE'");
        String expected = file + ":" + firstLine.substring(EXPECT.length()).replaceFirst(":(\\d+): ", ":$1: error: ");

        ConfigResult result = ConfigParser.parseFile(file);

        ConfigResult.Invalid invalid = assertInstanceOf(ConfigResult.Invalid.class, result, file + " was accepted");
        List<String> errors = invalid.problems().stream().filter(ConfigProblem::isError).map(ConfigProblem::toString)
                .toList();
        assertEquals(expected, errors.get(0), "first error of " + file + "; all: " + errors);
    }

    @Test
    void thereAreAtLeastTwentyFiveDistinctBadFiles() throws Exception {
        List<String> expectations = badFiles().map(f -> {
            try {
                return Files.readAllLines(f).get(0).replaceFirst("^# expect: \\d+:\\d+: ", "");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).distinct().toList();
        assertTrue(expectations.size() >= 25, "distinct expected messages: " + expectations.size());
    }
}
