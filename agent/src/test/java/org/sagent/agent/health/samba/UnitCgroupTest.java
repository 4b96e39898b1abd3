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
}
