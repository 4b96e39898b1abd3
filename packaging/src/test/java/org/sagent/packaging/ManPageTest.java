package org.sagent.packaging;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sagent.agent.cli.SagentCommand;
import picocli.CommandLine;

/** sagent(8) keeps up with the code: every command, every option and every configuration key. */
class ManPageTest {

    private static final Path MAN = Path.of("src/deb/man/sagent.8");
    private static final Path README = Path.of("../README.md");

    /** The page's text with roff's escaped hyphens made plain. */
    private static String page() throws Exception {
        return Files.readString(MAN).replace("\\-", "-").replace("\\(em", "-");
    }

    @Test
    void everyCommandAndOptionIsDescribed() throws Exception {
        String page = page();
        List<String> missing = new ArrayList<>();
        collect(SagentCommand.commandLine(), "sagent", page, missing);
        assertTrue(missing.isEmpty(), "sagent(8) does not mention: " + missing);
    }

    private static void collect(CommandLine command, String path, String page, List<String> missing) {
        for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
            if (!page.contains(option.longestName())) {
                missing.add(path + " " + option.longestName());
            }
        }
        for (var entry : command.getSubcommands().entrySet()) {
            if (!page.contains(".B " + entry.getKey()) && !page.contains("sagent " + entry.getKey())) {
                missing.add(path + " " + entry.getKey());
            }
            collect(entry.getValue(), path + " " + entry.getKey(), page, missing);
        }
    }

    @Test
    void everyConfigurationKeyOfTheReadmeIsDescribed() throws Exception {
        String page = page();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z0-9.\\[\\]-]+)` \\|").matcher(Files.readString(README));
        List<String> keys = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        while (row.find()) {
            keys.add(row.group(1));
            if (!page.contains(row.group(1))) {
                missing.add(row.group(1));
            }
        }
        assertTrue(keys.size() >= 30, "README key table rows found: " + keys);
        assertTrue(missing.isEmpty(), "sagent(8) does not describe: " + missing);
    }
}
