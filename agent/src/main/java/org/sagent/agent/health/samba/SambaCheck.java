package org.sagent.agent.health.samba;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.sagent.agent.health.CheckOutcome;
import org.sagent.agent.health.CommandRunner;
import org.sagent.agent.health.HealthCheck;
import org.sagent.agent.health.SystemdUnitState;

/** smbd must run: judged by its systemd unit's state, or by a TCP connect to a local port. */
public final class SambaCheck implements HealthCheck {

    private final String unit;
    private final int port;
    private final Duration timeout;
    private final CommandRunner runner;

    private SambaCheck(String unit, int port, Duration timeout, CommandRunner runner) {
        this.unit = unit;
        this.port = port;
        this.timeout = timeout;
        this.runner = runner;
    }

    public static SambaCheck unit(String unit, Duration timeout, CommandRunner runner) {
        return new SambaCheck(unit, 0, timeout, runner);
    }

    public static SambaCheck port(int port, Duration timeout) {
        return new SambaCheck(null, port, timeout, null);
    }

    @Override
    public String name() {
        return "samba";
    }

    @Override
    public CheckOutcome check() {
        if (unit != null) {
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
