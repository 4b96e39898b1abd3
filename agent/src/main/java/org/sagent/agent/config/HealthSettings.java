package org.sagent.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Which checks decide that this node is fit to serve, and their timing (spec section 4).
 *
 * @param interval how often each check runs
 * @param timeout  how long one run may take before it counts as failed; at most the interval
 * @param rise     consecutive passes that make a failed check healthy again (and open the
 *                 start-up gate)
 * @param fall     consecutive failures that make a healthy check fail
 */
public record HealthSettings(Duration interval, Duration timeout, int rise, int fall,
                             Optional<Drbd> drbd, Optional<Ocfs2> ocfs2, Optional<Samba> samba,
                             List<Script> scripts) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_RISE = 2;
    public static final int DEFAULT_FALL = 3;

    public HealthSettings {
        scripts = List.copyOf(scripts);
    }

    /** DRBD resources that must be Primary and UpToDate. */
    public record Drbd(List<String> resources) {
        public Drbd {
            resources = List.copyOf(resources);
        }
    }

    /** The OCFS2 mount that must be mounted read-write and writable, and its o2cb cluster. */
    public record Ocfs2(Path mount, String cluster) {
    }

    /** smbd must run: judged by a systemd unit's state, or by a TCP connect to a local port. */
    public record Samba(Optional<String> unit, Optional<Integer> port) {
        public static final String DEFAULT_UNIT = "smbd.service";
    }

    /** Any executable: exit status 0 means healthy; the last line of its output is the reason. */
    public record Script(String name, List<String> command, Duration timeout) {
        public Script {
            command = List.copyOf(command);
        }
    }
}
