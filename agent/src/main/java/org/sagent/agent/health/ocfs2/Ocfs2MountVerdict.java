package org.sagent.agent.health.ocfs2;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Whether the configured OCFS2 mount is there and writable, judged from the mount table. Pure. */
public record Ocfs2MountVerdict(boolean healthy, String state, String reason) {

    public static Ocfs2MountVerdict judge(List<MountEntry> table, Path mountPoint) {
        String where = mountPoint.toString();
        // The last entry for a mount point is the one visible (a later mount hides earlier ones).
        Optional<MountEntry> entry = table.stream().filter(e -> e.mountPoint().equals(where)).reduce((a, b) -> b);
        if (entry.isEmpty()) {
            return new Ocfs2MountVerdict(false, "NotMounted", "OCFS2 " + where + " is not mounted");
        }
        MountEntry e = entry.get();
        if (!e.fsType().equals("ocfs2")) {
            return new Ocfs2MountVerdict(false, "NotOcfs2", where + " is " + e.fsType() + " from " + e.source()
                    + ", not OCFS2 (is the cluster filesystem mounted underneath something else?)");
        }
        if (!e.readWrite()) {
            return new Ocfs2MountVerdict(false, "ReadOnly", "OCFS2 " + where + " (" + e.source()
                    + ") is mounted read-only: after errors=remount-ro OCFS2 found an error; see dmesg, fsck.ocfs2 needed");
        }
        return new Ocfs2MountVerdict(true, "Mounted", "OCFS2 " + where + " is mounted read-write from " + e.source());
    }
}
