package org.sagent.agent.health.ocfs2;

import java.util.List;

/**
 * One mounted filesystem.
 *
 * @param mountOptions per-mount options (rw/ro, relatime...)
 * @param superOptions the filesystem's own options (for ocfs2: heartbeat=local, errors=remount-ro...)
 */
public record MountEntry(String source, String mountPoint, String fsType, List<String> mountOptions,
                         List<String> superOptions) {

    public MountEntry {
        mountOptions = List.copyOf(mountOptions);
        superOptions = List.copyOf(superOptions);
    }

    /** Writable only if neither the mount nor the superblock says ro (OCFS2 errors=remount-ro sets both). */
    public boolean readWrite() {
        return !mountOptions.contains("ro") && !superOptions.contains("ro");
    }
}
