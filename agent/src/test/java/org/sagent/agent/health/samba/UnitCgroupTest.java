package org.sagent.agent.health.samba;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.agent.health.ocfs2.MountTableParser;

/** Finding a service's cgroup and reading whether it has live processes, on captured files. */
class UnitCgroupTest {

    private static Path fixture(String name) throws Exception {
        return Path.of(UnitCgroupTest.class.getResource("/fixtures/cgroup/" + name).toURI());
    }

    @Test
    void theUnifiedLayoutKeepsServicesUnderSysFsCgroup() throws Exception {
        String mountinfo = Files.readString(fixture("mountinfo-unified-vm.txt"));
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup")), UnitCgroup.cgroup2Root(MountTableParser.parse(mountinfo)));
        assertEquals(Path.of("/sys/fs/cgroup/system.slice/smbd.service"),
                UnitCgroup.of("smbd.service", fixture("mountinfo-unified-vm.txt")).orElseThrow().directory());
    }

    @Test
    void aUnitNamedWithoutItsTypeIsAServiceAsForSystemctl() throws Exception {
        assertEquals(Path.of("/sys/fs/cgroup/system.slice/smbd.service"),
                UnitCgroup.of("smbd", fixture("mountinfo-unified-vm.txt")).orElseThrow().directory());
        assertEquals(Path.of("/sys/fs/cgroup/system.slice/samba-ad-dc.service"),
                UnitCgroup.of("samba-ad-dc.service", fixture("mountinfo-unified-vm.txt")).orElseThrow().directory());
    }

    @Test
    void theHybridLayoutKeepsThemUnderTheUnifiedMountNotTheV1Controllers() throws Exception {
        String mountinfo = Files.readString(fixture("mountinfo-hybrid.txt"));
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/unified")), UnitCgroup.cgroup2Root(MountTableParser.parse(mountinfo)));
    }

    @Test
    void withoutCgroup2OrAReadableMountTableThereIsNothingToRead(@TempDir Path dir) throws Exception {
        Path v1Only = dir.resolve("mountinfo");
        Files.writeString(v1Only, "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n");
        assertTrue(UnitCgroup.of("smbd.service", v1Only).isEmpty());
        assertTrue(UnitCgroup.of("smbd.service", dir.resolve("absent")).isEmpty());
    }

    @Test
    void populatedIsTheKernelsOwnLine() throws Exception {
        assertTrue(UnitCgroup.populated(Files.readString(fixture("cgroup-events-smbd-running-vm.txt"))));
        assertFalse(UnitCgroup.populated("populated 0\nfrozen 0\n"));
        assertFalse(UnitCgroup.populated(""));
    }

    @Test
    void anAbsentCgroupHasNoLiveProcess(@TempDir Path dir) {
        assertFalse(UnitCgroup.at(dir.resolve("system.slice/smbd.service")).populated());
    }

    private static void cgroup(Path directory, String events) throws Exception {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("cgroup.events"), events);
    }

    @Test
    void aUnitInAnotherSliceIsFoundThereWhenSystemSliceHasNone(@TempDir Path root) throws Exception {
        cgroup(root.resolve("system.slice/sshd.service"), "populated 1\nfrozen 0\n");
        cgroup(root.resolve("system.slice/system-samba.slice/smbd.service"), "populated 1\nfrozen 0\n");
        UnitCgroup smbd = UnitCgroup.under(root, "smbd.service");
        assertTrue(smbd.populated());
        assertEquals(root.resolve("system.slice/system-samba.slice/smbd.service"), smbd.directory());

        Files.writeString(root.resolve("system.slice/system-samba.slice/smbd.service/cgroup.events"), "populated 0\n");
        assertFalse(smbd.populated(), "the kernel's populated 0 is read where the unit was found");
    }

    @Test
    void systemSliceComesFirstAndTheWalkStaysOutOfOtherUnitsCgroups(@TempDir Path root) throws Exception {
        cgroup(root.resolve("system.slice/smbd.service"), "populated 0\n");
        cgroup(root.resolve("machine.slice/smbd.service"), "populated 1\n");
        assertFalse(UnitCgroup.under(root, "smbd.service").populated(), "system.slice's own cgroup decides");

        // A container's nested hierarchy under a service is the container's business, not this host's smbd.
        cgroup(root.resolve("system.slice/lxc.service/system.slice/nmbd.service"), "populated 1\n");
        assertTrue(UnitCgroup.findInSlices(root, "nmbd.service").isEmpty());
        UnitCgroup nmbd = UnitCgroup.under(root, "nmbd.service");
        assertFalse(nmbd.populated());
        assertEquals(root.resolve("system.slice/nmbd.service"), nmbd.directory());
    }

    @Test
    void aUnitThatMovesBackToSystemSliceIsReadThere(@TempDir Path root) throws Exception {
        Path elsewhere = root.resolve("custom.slice/smbd.service");
        cgroup(elsewhere, "populated 1\n");
        UnitCgroup smbd = UnitCgroup.under(root, "smbd.service");
        assertTrue(smbd.populated());
        Files.delete(elsewhere.resolve("cgroup.events"));
        Files.delete(elsewhere);
        cgroup(root.resolve("system.slice/smbd.service"), "populated 1\n");
        assertTrue(smbd.populated());
        assertEquals(root.resolve("system.slice/smbd.service"), smbd.directory());
    }
}
