package org.sagent.agent.health.samba;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.sagent.agent.health.ocfs2.MountEntry;
import org.sagent.agent.health.ocfs2.MountTableParser;

/**
 * Whether a systemd service has live processes, read from its cgroup v2 {@code cgroup.events}
 * ("populated 1"): the kernel keeps it, so reading it needs neither a fork nor an answer from
 * PID 1, which a {@code daemon-reload} (every package upgrade) keeps busy for seconds.
 *
 * <p>systemd puts a service in {@code system.slice/UNIT} of the cgroup2 hierarchy (at
 * {@code /sys/fs/cgroup} with the unified layout, {@code /sys/fs/cgroup/unified} with the hybrid
 * one), or under the slice its {@code Slice=} names (a slice's cgroup is nested in its parents':
 * {@code system.slice/system-samba.slice/UNIT}); it is looked for there when it is not in
 * {@code system.slice}. When there is no such directory (no cgroup2, the unit not running) this
 * class cannot tell, and the caller asks systemd.
 */
public final class UnitCgroup {

    /** Slices nest by name ("a-b-c.slice" in "a-b.slice" in "a.slice"): a few levels cover any real layout. */
    private static final int SLICE_DEPTH = 4;

    private final Path usual;
    private final Optional<Path> root;
    /**
     * Where the unit was last found outside {@code system.slice}, looked for again once it is
     * gone; volatile, as successive checks may run on different health threads.
     */
    private volatile Path elsewhere;

    private UnitCgroup(Path usual, Optional<Path> root) {
        this.usual = usual;
        this.root = root;
    }

    /** The cgroup of {@code unit} under the cgroup2 hierarchy that {@code mountinfo} lists; none without one. */
    public static Optional<UnitCgroup> of(String unit, Path mountinfo) {
        try {
            return cgroup2Root(MountTableParser.parse(Files.readString(mountinfo)))
                    .map(root -> under(root, serviceName(unit)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The cgroup of {@code service} in the hierarchy mounted at {@code root}: system.slice, else the slice that has it. */
    static UnitCgroup under(Path root, String service) {
        return new UnitCgroup(root.resolve("system.slice").resolve(service), Optional.of(root));
    }

    /** systemd's own rule: a unit named without a type ("smbd") is a service. */
    static String serviceName(String unit) {
        return unit.contains(".") ? unit : unit + ".service";
    }

    /** The cgroup in {@code directory}, and nowhere else. */
    public static UnitCgroup at(Path directory) {
        return new UnitCgroup(directory, Optional.empty());
    }

    /**
     * The directory named {@code service} in a slice below {@code root}, walking only slices
     * (never into a service's own cgroup or a user's session scopes' contents).
     */
    static Optional<Path> findInSlices(Path root, String service) {
        return findIn(root, service, SLICE_DEPTH);
    }

    private static Optional<Path> findIn(Path slice, String service, int depth) {
        Path here = slice.resolve(service);
        if (Files.isDirectory(here)) {
            return Optional.of(here);
        }
        if (depth == 0) {
            return Optional.empty();
        }
        try (Stream<Path> children = Files.list(slice)) {
            return children.filter(c -> c.getFileName().toString().endsWith(".slice") && Files.isDirectory(c))
                    .sorted()
                    .map(c -> findIn(c, service, depth - 1))
                    .flatMap(Optional::stream)
                    .findFirst();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty(); // a slice removed while we looked: not there
        }
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
        if (Files.isDirectory(usual) || root.isEmpty()) {
            return populatedAt(usual);
        }
        if (elsewhere == null || !Files.isDirectory(elsewhere)) {
            elsewhere = findInSlices(root.get(), usual.getFileName().toString()).orElse(null);
        }
        return elsewhere != null && populatedAt(elsewhere);
    }

    private static boolean populatedAt(Path directory) {
        try {
            return populated(Files.readString(directory.resolve("cgroup.events")));
        } catch (IOException e) {
            return false; // gone with the unit's last process, or unreadable: systemd decides
        }
    }

    /** The directory read (the last one found, system.slice's until then), for messages. */
    public Path directory() {
        return elsewhere != null && !Files.isDirectory(usual) ? elsewhere : usual;
    }
}
