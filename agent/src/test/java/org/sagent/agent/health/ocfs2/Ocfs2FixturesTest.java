package org.sagent.agent.health.ocfs2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.agent.health.SystemdUnitState;

/** Every OCFS2 and o2cb capture (test VMs, reference notes, documented formats) read and judged. */
class Ocfs2FixturesTest {

    private static final Path MOUNT = Path.of("/srv/scluster");

    private static String fixture(String name) throws Exception {
        return Files.readString(Path.of(Ocfs2FixturesTest.class.getResource("/fixtures/" + name).toURI()));
    }

    private static Ocfs2MountVerdict mount(String name) throws Exception {
        return Ocfs2MountVerdict.judge(MountTableParser.parse(fixture(name)), MOUNT);
    }

    @Test
    void judgesTheMountTables() throws Exception {
        assertEquals(new Ocfs2MountVerdict(true, "Mounted", "OCFS2 /srv/scluster is mounted read-write from /dev/drbd0"),
                mount("ocfs2/mountinfo-mounted.txt"));
        assertEquals(new Ocfs2MountVerdict(true, "Mounted", "OCFS2 /srv/scluster is mounted read-write from /dev/drbd0"),
                mount("vm-ocfs2/mountinfo-ocfs2-mounted.txt"));
        assertEquals(new Ocfs2MountVerdict(true, "Mounted", "OCFS2 /srv/scluster is mounted read-write from /dev/drbd0"),
                mount("vm-ocfs2/proc-mounts-ocfs2-mounted.txt"));
        assertEquals(new Ocfs2MountVerdict(false, "NotMounted", "OCFS2 /srv/scluster is not mounted"),
                mount("ocfs2/mountinfo-not-mounted.txt"));
        Ocfs2MountVerdict readOnly = mount("ocfs2/mountinfo-read-only-after-error.txt");
        assertFalse(readOnly.healthy());
        assertEquals("ReadOnly", readOnly.state());
        assertTrue(readOnly.reason().startsWith("OCFS2 /srv/scluster (/dev/drbd0) is mounted read-only"), readOnly.reason());
        // The split-brain capture still shows a read-write mount: the mount check alone cannot see it.
        String splitBrain = fixture("vm-ocfs2/o2cb-state-replication-cut-split-brain-s0.txt").lines()
                .filter(l -> l.contains(" - ocfs2 ")).findFirst().orElseThrow();
        assertTrue(Ocfs2MountVerdict.judge(MountTableParser.parse(splitBrain), MOUNT).healthy());
    }

    @Test
    void decodesEscapedMountPointsAndSeesOtherFilesystems() {
        List<MountEntry> table = MountTableParser.parse(
                "131 28 147:0 / /srv/my\\040share rw,relatime shared:70 - ocfs2 /dev/drbd0 rw,heartbeat=local\n"
                        + "140 28 8:1 / /srv/scluster rw - ext4 /dev/sda1 rw\n");
        assertEquals("/srv/my share", table.get(0).mountPoint());
        assertTrue(Ocfs2MountVerdict.judge(table, Path.of("/srv/my share")).healthy());
        Ocfs2MountVerdict ext4 = Ocfs2MountVerdict.judge(table, MOUNT);
        assertEquals("NotOcfs2", ext4.state());
    }

    /** Builds the configfs tree a capture lists ("./a/" directories, "./a/b = v" files) under {@code root}. */
    private static void materialise(String listing, Path root) throws Exception {
        for (String line : listing.lines().toList()) {
            String entry = line.strip();
            if (entry.endsWith("/")) {
                Files.createDirectories(root.resolve(entry));
            } else if (entry.contains(" = ")) {
                String[] parts = entry.split(" = ", 2);
                Path file = root.resolve(parts[0]);
                Files.createDirectories(file.getParent());
                Files.writeString(file, parts[1].strip() + "\n");
            }
        }
    }

    @Test
    void readsTheClusterStateFromConfigfsAsTheVmsShowedIt(@TempDir Path dir) throws Exception {
        Path online = dir.resolve("online");
        materialise(fixture("vm-ocfs2/configfs-cluster-tree-online-no-mount.txt"), online);
        assertEquals(new O2cbClusterCheck.State(true, 0, "o2cb cluster scluster is online as node s0 (0 heartbeat regions)"),
                O2cbClusterCheck.read(online, "scluster"));

        Path mounted = dir.resolve("mounted");
        materialise(fixture("vm-ocfs2/configfs-cluster-tree-mounted.txt"), mounted);
        assertEquals(new O2cbClusterCheck.State(true, 1, "o2cb cluster scluster is online as node s0 (1 heartbeat region)"),
                O2cbClusterCheck.read(mounted, "scluster"));

        O2cbClusterCheck.State offline = O2cbClusterCheck.read(online, "other");
        assertFalse(offline.online());
        assertTrue(offline.reason().startsWith("o2cb cluster other is offline"), offline.reason());
    }

    @Test
    void readsTheO2cbToolOutputs() throws Exception {
        assertEquals(Optional.of(new O2cbOutputs.RunningCluster("o2cb", "scluster", "local")),
                O2cbOutputs.o2clusterRunning(fixture("ocfs2/o2cluster-r-online.txt")));
        assertEquals(Optional.of(new O2cbOutputs.RunningCluster("o2cb", "scluster", "local")),
                O2cbOutputs.o2clusterRunning(fixture("vm-ocfs2/o2cluster-r-online-mounted.txt")));
        assertEquals(Optional.of(true), O2cbOutputs.clusterOnline(fixture("vm-ocfs2/o2cb-cluster-status-online.txt"), "scluster"));
        assertEquals(Optional.empty(), O2cbOutputs.clusterOnline(fixture("vm-ocfs2/o2cb-cluster-status-online.txt"), "x"));
        assertEquals(Map.of("/dev/vdb", List.of("s0", "s1"), "/dev/drbd0", List.of("s0", "s1")),
                O2cbOutputs.mountedNodes(fixture("vm-ocfs2/mounted-ocfs2-f-both-mounted.txt")));
        assertEquals(List.of("8742DD6D07BE4C62B43129E140F882A2"),
                O2cbOutputs.mountedNodes(fixture("vm-ocfs2/mounted-ocfs2-d.txt")).get("/dev/drbd0"));
        // After the replication cable was cut: o2net talks to nobody, o2hb sees only this node.
        String cut = fixture("vm-ocfs2/o2cb-state-replication-cut-split-brain-s0.txt");
        assertEquals(Optional.of(new O2cbOutputs.NodeLists(List.of(), List.of(0))), O2cbOutputs.nodeLists(cut));
        assertEquals(Map.of("/dev/vdb", List.of("s0"), "/dev/drbd0", List.of("s0")),
                O2cbOutputs.mountedNodes(cut.lines().dropWhile(l -> !l.startsWith("Device"))
                        .takeWhile(l -> l.startsWith("Device") || l.startsWith("/dev/")).reduce("", (a, b) -> a + b + "\n")));
        assertEquals(Optional.of(new O2cbOutputs.NodeLists(List.of(1), List.of(0, 1))),
                O2cbOutputs.nodeLists(fixture("vm-ocfs2/debugfs-ocfs2-s0.txt")));
    }

    @Test
    void readsSystemdAndSysfsStates() throws Exception {
        assertEquals(Optional.of("active (running)"),
                SystemdUnitState.activeLine(fixture("vm-ocfs2/systemctl-status-o2cb-active.txt")));
        assertEquals(Optional.of("o2cb"), SystemdUnitState.sysfsValue(fixture("vm-ocfs2/sys-fs-ocfs2.txt"),
                "/sys/fs/ocfs2/cluster_stack"));
    }

    @Test
    void readsTheDocumentedFormatsOfOlderAndNewerTools() throws Exception {
        assertEquals(Optional.of(true), O2cbOutputs.clusterOnline(
                fixture("ocfs2-docs/icicimov-service-o2cb-status-ocfs2-tools-1.6-online.txt"), "iscsi"));
        assertEquals(Optional.of(true), O2cbOutputs.clusterOnline(
                fixture("ocfs2-docs/oracle-ol10-o2cb-init-status-local-heartbeat-online.txt"), "mycluster"));
        Map<String, List<String>> nodes = O2cbOutputs.mountedNodes(fixture("ocfs2-docs/ocfs2-tools-man-mounted-ocfs2-f.txt"));
        assertEquals(List.of("node1", "node3", "node10"), nodes.get("/dev/sdd1"));
        assertEquals(List.of(), nodes.get("/dev/sdh1"), "Not mounted");
        assertEquals(List.of(), nodes.get("/dev/sdc1"), "a local volume");
        assertEquals(List.of("drbd01", "drbd02"),
                O2cbOutputs.mountedNodes(fixture("ocfs2-docs/icicimov-mounted-ocfs2-f-ocfs2-tools-1.6.txt")).get("/dev/sdc"));
        assertEquals(List.of("8AB016CD59FC4327A2CDAB69F08518E3"),
                O2cbOutputs.mountedNodes(fixture("ocfs2-docs/ocfs2-tools-man-mounted-ocfs2-d.txt")).get("/dev/sdd1"));
        assertEquals(new Ocfs2MountVerdict(true, "Mounted", "OCFS2 /share is mounted read-write from /dev/mapper/mylun"),
                Ocfs2MountVerdict.judge(MountTableParser.parse(fixture("ocfs2-docs/icicimov-proc-mounts-ocfs2-line.txt")),
                        Path.of("/share")));
    }
}
