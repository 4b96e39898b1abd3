package org.sagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random damage to a good file: whatever an editor, a bad merge or a truncated copy
 * does to it, the parser answers with positioned configuration problems and never with
 * another exception. Seeded, so a failure names the seed that reproduces it.
 */
class ConfigMutationTest {

    private static final long BASE_SEED = 20261125L;
    private static final int CASES = 3000;
    private static final String[] TOKENS = {":", "- ", "{", "}", "[", "]", "\"", "'", "#", "&a", "*a", "!!int", "?",
            "  ", "\t", "\n", "|", ">", "0", "-1", "99999999999", "1.5s", "ms", "/", "::", "0x10", "~", "null",
            "true", "198.51.100.300/24", "eth1:0", "\u00e9", "\u0000", ",", "%", "@", "`", "!", "<<: *a"};

    @Test
    void damagedFilesYieldOnlyConfigurationProblems() throws Exception {
        String good = Files.readString(Path.of(getClass().getResource("/config/good.yaml").toURI()));
        assertInstanceOf(ConfigResult.Valid.class, ConfigParser.parse("good.yaml", good));
        int rejected = 0;
        for (int i = 0; i < CASES; i++) {
            long seed = BASE_SEED + i;
            String damaged = mutate(good, new Random(seed));
            ConfigResult result;
            try {
                result = ConfigParser.parse("m.yaml", damaged);
            } catch (RuntimeException e) {
                fail("seed " + seed + " threw " + e + " for:\n" + damaged, e);
                return;
            }
            int lines = damaged.split("\n", -1).length + 1;
            for (ConfigProblem problem : result.problems()) {
                assertTrue(problem.line() <= lines, "seed " + seed + ": line past the end: " + problem);
                assertFalse(problem.message().isBlank(), "seed " + seed + ": empty message");
            }
            if (result instanceof ConfigResult.Invalid) {
                rejected++;
            }
        }
        // The mutations must really damage files, or this test proves nothing.
        assertTrue(rejected > CASES / 2, "only " + rejected + " of " + CASES + " mutated files were rejected");
    }

    private static String mutate(String text, Random random) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && !lines.isEmpty(); e++) {
            int at = random.nextInt(lines.size());
            String line = lines.get(at);
            switch (random.nextInt(7)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, lines.get(random.nextInt(lines.size())));
                case 2 -> lines.set(at, " ".repeat(random.nextInt(5)) + line.strip());
                case 3 -> {
                    int pos = line.isEmpty() ? 0 : random.nextInt(line.length());
                    lines.set(at, line.substring(0, pos) + TOKENS[random.nextInt(TOKENS.length)] + line.substring(pos));
                }
                case 4 -> {
                    if (!line.isEmpty()) {
                        int pos = random.nextInt(line.length());
                        lines.set(at, line.substring(0, pos) + line.substring(pos + 1));
                    }
                }
                case 5 -> {
                    int colon = line.indexOf(": ");
                    if (colon > 0) {
                        lines.set(at, line.substring(0, colon + 2) + TOKENS[random.nextInt(TOKENS.length)]);
                    }
                }
                default -> {
                    int cut = random.nextInt(lines.size());
                    lines.subList(cut, lines.size()).clear();
                }
            }
        }
        return String.join("\n", lines);
    }
}
