package org.sagent.agent.health.samba;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.sagent.agent.health.CheckOutcome;
import org.sagent.agent.health.CommandRunner;
import org.sagent.agent.health.HealthCheck;
import org.sagent.agent.health.SystemdUnitState;

/**
 * smbd must run: judged by its systemd unit (live processes in its cgroup, else
 * {@code systemctl is-active}), or by a TCP connect to a local port.
 */
public final class SambaCheck implements HealthCheck {

    private final String unit;
    private final Optional<UnitCgroup> cgroup;
    private final int port;
    private final Duration timeout;
    private final CommandRunner runner;

    private SambaCheck(String unit, Optional<UnitCgroup> cgroup, int port, Duration timeout, CommandRunner runner) {
        this.unit = unit;
        this.cgroup = cgroup;
        this.port = port;
        this.timeout = timeout;
        this.runner = runner;
    }

    /**
     * The unit runs when its cgroup has live processes (read without a fork or a call to PID 1);
     * otherwise, or without a cgroup to read, {@code systemctl is-active} decides and says why.
     */
    public static SambaCheck unit(String unit, Optional<UnitCgroup> cgroup, Duration timeout, CommandRunner runner) {
        return new SambaCheck(unit, cgroup, 0, timeout, runner);
    }

    public static SambaCheck port(int port, Duration timeout) {
        return new SambaCheck(null, Optional.empty(), port, timeout, null);
    }

    @Override
    public String name() {
        return "samba";
    }

    @Override
    public CheckOutcome check() {
        if (unit != null) {
            if (cgroup.isPresent() && cgroup.get().populated()) {
                return CheckOutcome.pass(unit + " is running (live processes in " + cgroup.get().directory() + ")");
            }
            CommandRunner.Result result = runner.run(List.of("systemctl", "is-active", unit), timeout);
            if (SystemdUnitState.isActive(result.output())) {
                return CheckOutcome.pass(unit + " is active");
            }
            String state = result.lastLine().isEmpty() ? "unknown (exit " + result.exitCode() + ")" : result.lastLine();
            return CheckOutcome.fail(unit + " is " + state);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            return CheckOutcome.pass("smbd accepts connections on port " + port);
        } catch (IOException e) {
            return CheckOutcome.fail("nothing accepts connections on 127.0.0.1:" + port + " (" + e.getMessage() + ")");
        }
    }
}
