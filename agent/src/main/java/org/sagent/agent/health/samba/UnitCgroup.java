package org.sagent.agent.health.samba;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.sagent.agent.health.ocfs2.MountEntry;
import org.sagent.agent.health.ocfs2.MountTableParser;

/**
 * Whether a systemd service has live processes, read from its cgroup v2 {@code cgroup.events}
 * ("populated 1"): the kernel keeps it, so reading it needs neither a fork nor an answer from
 * PID 1, which a {@code daemon-reload} (every package upgrade) keeps busy for seconds.
 *
 * <p>systemd puts a service in {@code system.slice/UNIT} of the cgroup2 hierarchy (at
 * {@code /sys/fs/cgroup} with the unified layout, {@code /sys/fs/cgroup/unified} with the hybrid
 * one). When there is no such directory (no cgroup2, another slice, the unit not running) this
 * class cannot tell, and the caller asks systemd.
 */
public final class UnitCgroup {

    private final Path events;

    private UnitCgroup(Path events) {
        this.events = events;
    }

    /** The cgroup of {@code unit} under the cgroup2 hierarchy that {@code mountinfo} lists; none without one. */
    public static Optional<UnitCgroup> of(String unit, Path mountinfo) {
        try {
            return cgroup2Root(MountTableParser.parse(Files.readString(mountinfo)))
                    .map(root -> at(root.resolve("system.slice").resolve(serviceName(unit))));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** systemd's own rule: a unit named without a type ("smbd") is a service. */
    static String serviceName(String unit) {
        return unit.contains(".") ? unit : unit + ".service";
    }

    /** The cgroup in {@code directory}. */
    public static UnitCgroup at(Path directory) {
        return new UnitCgroup(directory.resolve("cgroup.events"));
    }

    /** The mount point of the cgroup2 hierarchy, if one is mounted. */
    static Optional<Path> cgroup2Root(List<MountEntry> mounts) {
        return mounts.stream().filter(m -> m.fsType().equals("cgroup2")).map(m -> Path.of(m.mountPoint())).findFirst();
    }

    /** True when "populated 1": some process of the unit (or of a child cgroup) is alive. */
    static boolean populated(String eventsText) {
        return eventsText.lines().map(String::strip).anyMatch("populated 1"::equals);
    }

    /** Whether the unit has live processes; false when its cgroup is empty or absent. */
    public boolean populated() {
        try {
            return populated(Files.readString(events));
        } catch (IOException e) {
            return false; // gone with the unit's last process, or unreadable: systemd decides
        }
    }

    /** The directory read, for messages. */
    public Path directory() {
        return events.getParent();
    }
}
