package org.sagent.agent.health.script;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.sagent.agent.health.CheckOutcome;
import org.sagent.agent.health.CommandRunner;
import org.sagent.agent.health.HealthCheck;

/** Any executable: exit 0 is healthy, the last line it prints is the reason, a timeout is a failure. */
public final class ScriptCheck implements HealthCheck {

    private final String name;
    private final List<String> command;
    private final Duration timeout;
    private final CommandRunner runner;

    public ScriptCheck(String name, List<String> command, Duration timeout, CommandRunner runner) {
        this.name = name;
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.runner = runner;
    }

    @Override
    public String name() {
        return "script:" + name;
    }

    @Override
    public Optional<Duration> timeout() {
        // The watchdog kills the script at its timeout; the monitor waits a little longer for that.
        return Optional.of(timeout.plusMillis(500));
    }

    @Override
    public CheckOutcome check() {
        CommandRunner.Result result = runner.run(command, timeout);
        String said = result.lastLine();
        if (result.timedOut()) {
            return CheckOutcome.fail(command.get(0) + " killed after " + timeout.toMillis() + " ms");
        }
        if (result.exitCode() == 0) {
            return CheckOutcome.pass(said.isEmpty() ? command.get(0) + " exited 0" : said);
        }
        return CheckOutcome.fail(command.get(0) + " exited " + result.exitCode() + (said.isEmpty() ? "" : ": " + said));
    }
}
