package org.sagent.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.sagent.agent.config.IsolationSettings;
import org.sagent.agent.health.CommandRunner;
import org.sagent.agent.isolation.FenceRecord;
import org.sagent.agent.isolation.StandDown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a losing node's stand-down (spec 7.3) on a thread of its own: the sequence waits for
 * the node's addresses to go and for the peer's acknowledgement, and the loop must not. It
 * speaks to the loop by events and by questions with a deadline.
 */
final class StandDownLauncher {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final Duration ASK_WAIT = Duration.ofSeconds(2);

    /** What the stand-down asks of the loop (each called off the loop, answered on it). */
    interface LoopQuestions {
        /** How many addresses this node still holds. */
        int held();

        /** The winner has acknowledged this node's stand-down. */
        boolean acknowledged();
    }

    private final IsolationSettings.Action action;
    private final Optional<String> sambaUnit;
    private final Path stateDirectory;
    private final AgentLoop loop;
    private final LoopQuestions questions;
    private final Consumer<AgentEvent> events;

    StandDownLauncher(IsolationSettings.Action action, Optional<String> sambaUnit, Path stateDirectory, AgentLoop loop,
                      LoopQuestions questions, Consumer<AgentEvent> events) {
        this.action = action;
        this.sambaUnit = sambaUnit;
        this.stateDirectory = stateDirectory;
        this.loop = loop;
        this.questions = questions;
        this.events = events;
    }

    /** Starts the sequence for {@code resource}; returns at once. */
    void launch(String winner, String reason, String resource) {
        CommandRunner runner = new CommandRunner();
        StandDown.Steps steps = new StandDown.Steps() {
            @Override
            public void fence(String why) {
                events.accept(new AgentEvent.Fence(why));
            }

            @Override
            public int held() {
                return loop.tryAsk(questions::held, ASK_WAIT).orElse(-1);
            }

            @Override
            public void stoodDown(String why) {
                events.accept(new AgentEvent.StoodDown(why));
            }

            @Override
            public boolean acknowledged() {
                return loop.tryAsk(questions::acknowledged, ASK_WAIT).orElse(false);
            }

            @Override
            public CommandRunner.Result run(List<String> command, Duration timeout) {
                return runner.run(command, timeout);
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                Thread.sleep(duration.toMillis());
            }

            @Override
            public void reboot() throws IOException {
                // The kernel's immediate reset (no sync: it would hang on the frozen device).
                Files.writeString(Path.of("/proc/sysrq-trigger"), "b");
            }
        };
        StandDown sequence = new StandDown(steps, action, sambaUnit, stateDirectory.resolve(FenceRecord.OWN));
        Thread thread = new Thread(() -> {
            try {
                sequence.run(winner, reason, resource);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("isolation: the stand-down failed: {}", e.toString(), e);
            }
        }, "stand-down");
        thread.setDaemon(true);
        thread.start();
    }
}
