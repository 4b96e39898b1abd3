package org.sagent.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Function;

/**
 * One line per log event, in the form that suits where the line goes.
 *
 * <p>Under systemd, with standard error connected to the journal ({@code JOURNAL_STREAM}
 * names the same socket), each line starts with the syslog priority ({@code <3>} error ...
 * {@code <7>} debug) so journald records the level, and carries no timestamp of its own:
 * the journal adds one. An INFO line marked {@link Notice#NOTICE} (an address taken or released)
 * gets {@code <5>} notice. Anywhere else, a timestamped console line.
 */
public final class JournalAwareLayout extends LayoutBase<ILoggingEvent> {

    private static final DateTimeFormatter CONSOLE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private Function<String, String> environment = System::getenv;
    private Path standardErrorLink = Path.of("/proc/self/fd/2");
    private boolean journal;

    /** For tests: where environment variables and the standard-error descriptor come from. */
    void setSources(Function<String, String> environment, Path standardErrorLink) {
        this.environment = environment;
        this.standardErrorLink = standardErrorLink;
    }

    @Override
    public void start() {
        journal = connectedToJournal(environment.apply("JOURNAL_STREAM"), standardErrorLink);
        super.start();
    }

    public boolean isJournal() {
        return journal;
    }

    /**
     * systemd's own rule: JOURNAL_STREAM holds "device:inode" of the journal socket; only if
     * our descriptor is that socket do we write for the journal (a child process may inherit
     * the variable with its output redirected elsewhere).
     */
    static boolean connectedToJournal(String journalStream, Path descriptor) {
        if (journalStream == null || journalStream.isBlank()) {
            return false;
        }
        String[] parts = journalStream.trim().split(":");
        if (parts.length != 2) {
            return false;
        }
        try {
            long device = Long.parseLong(parts[0]);
            long inode = Long.parseLong(parts[1]);
            Object dev = Files.getAttribute(descriptor, "unix:dev");
            Object ino = Files.getAttribute(descriptor, "unix:ino");
            return dev instanceof Long d && ino instanceof Long i && d == device && i == inode;
        } catch (NumberFormatException e) {
            return false;
        } catch (Exception e) {
            // No way to compare (unusual /proc): trust the variable, as sd_journal_stream_fd users do.
            return true;
        }
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        boolean notice = isNotice(event);
        String prefix = journal ? "<" + (notice ? 5 : priority(event.getLevel())) + ">" : "";
        line.append(prefix);
        if (!journal) {
            line.append(CONSOLE_TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(' ')
                    .append(String.format("%-5s", notice ? "NOTICE" : event.getLevel())).append(' ');
        }
        line.append(shortName(event.getLoggerName())).append(": ")
                .append(event.getFormattedMessage().replace("\n", " | "))
                .append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            // Only unexpected failures carry a throwable; each of its lines keeps the priority.
            for (String traceLine : ThrowableProxyUtil.asString(thrown).split("\\R")) {
                if (!traceLine.isBlank()) {
                    line.append(prefix).append(traceLine.replace("\t", "    ")).append(CoreConstants.LINE_SEPARATOR);
                }
            }
        }
        return line.toString();
    }

    /** An INFO line marked {@link Notice#NOTICE}: priority 5. */
    static boolean isNotice(ILoggingEvent event) {
        return event.getLevel() == Level.INFO && event.getMarkerList() != null
                && event.getMarkerList().contains(Notice.NOTICE);
    }

    static int priority(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> 3;
            case Level.WARN_INT -> 4;
            case Level.INFO_INT -> 6;
            default -> 7;
        };
    }

    private static String shortName(String loggerName) {
        int dot = loggerName.lastIndexOf('.');
        return dot < 0 ? loggerName : loggerName.substring(dot + 1);
    }
}
