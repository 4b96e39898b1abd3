package org.sagent.agent.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalAwareLayoutTest {

    @TempDir
    Path dir;

    private static String journalStreamOf(Path file) throws Exception {
        return Files.getAttribute(file, "unix:dev") + ":" + Files.getAttribute(file, "unix:ino");
    }

    private JournalAwareLayout layout(Map<String, String> env, Path descriptor) {
        JournalAwareLayout layout = new JournalAwareLayout();
        layout.setSources(env::get, descriptor);
        layout.start();
        return layout;
    }

    private static LoggingEvent event(Level level, String message, Throwable thrown) {
        Logger logger = new LoggerContext().getLogger("org.sagent.agent.core.Allocation");
        return new LoggingEvent("x", logger, level, message, thrown, null);
    }

    @Test
    void writesSyslogPrioritiesAndNoTimestampForTheJournal() throws Exception {
        Path descriptor = Files.createFile(dir.resolve("stderr"));
        JournalAwareLayout layout = layout(Map.of("JOURNAL_STREAM", journalStreamOf(descriptor)), descriptor);

        assertTrue(layout.isJournal());
        assertEquals("<3>Allocation: lost 198.51.100.120\n", layout.doLayout(event(Level.ERROR, "lost 198.51.100.120", null)));
        assertEquals("<4>Allocation: w\n", layout.doLayout(event(Level.WARN, "w", null)));
        assertEquals("<6>Allocation: i\n", layout.doLayout(event(Level.INFO, "i", null)));
        assertEquals("<7>Allocation: d\n", layout.doLayout(event(Level.DEBUG, "d", null)));
        assertEquals("<7>Allocation: t\n", layout.doLayout(event(Level.TRACE, "t", null)));
        LoggingEvent moved = event(Level.INFO, "took 198.51.100.120/24 on eth1", null);
        moved.addMarker(Notice.NOTICE);
        assertEquals("<5>Allocation: took 198.51.100.120/24 on eth1\n", layout.doLayout(moved),
                "a move is a notice: journalctl -p notice shows it");
    }

    @Test
    void keepsOneLinePerEventAndPrefixesEveryStackTraceLine() throws Exception {
        Path descriptor = Files.createFile(dir.resolve("stderr"));
        JournalAwareLayout layout = layout(Map.of("JOURNAL_STREAM", journalStreamOf(descriptor)), descriptor);

        String text = layout.doLayout(event(Level.ERROR, "two\nlines", new IllegalStateException("boom")));
        String[] lines = text.split("\n");
        assertEquals("<3>Allocation: two | lines", lines[0]);
        assertTrue(lines.length > 2, text);
        for (String line : lines) {
            assertTrue(line.startsWith("<3>"), line);
        }
    }

    @Test
    void aJournalStreamOfAnotherFileMeansConsole() throws Exception {
        Path journal = Files.createFile(dir.resolve("journal"));
        Path descriptor = Files.createFile(dir.resolve("redirected"));
        JournalAwareLayout layout = layout(Map.of("JOURNAL_STREAM", journalStreamOf(journal)), descriptor);

        assertFalse(layout.isJournal());
        String line = layout.doLayout(event(Level.INFO, "hello", null));
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  Allocation: hello\n"), line);
    }

    @Test
    void noJournalStreamMeansConsole() {
        assertFalse(layout(Map.of(), Path.of("/proc/self/fd/2")).isJournal());
        assertFalse(JournalAwareLayout.connectedToJournal("garbage", Path.of("/proc/self/fd/2")));
    }
}
