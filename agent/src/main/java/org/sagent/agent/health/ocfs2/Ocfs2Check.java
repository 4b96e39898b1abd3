package org.sagent.agent.health.ocfs2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.sagent.agent.health.CheckOutcome;
import org.sagent.agent.health.HealthCheck;

/**
 * OCFS2 is fit to serve: the mount point is mounted as ocfs2 read-write, the o2cb cluster is
 * online, and a small write + fsync + delete under the mount finishes (a hung cluster lock or
 * a frozen DRBD device blocks right there, and the monitor's timeout turns that into a failure).
 */
public final class Ocfs2Check implements HealthCheck {

    private final Path mount;
    private final String cluster;
    private final Path mountTable;
    private final Path configfs;
    private final String probeName;

    /**
     * @param mountTable normally /proc/self/mountinfo
     * @param configfs   normally /sys/kernel/config/cluster
     * @param probeName  the probe file's name under the mount, unique per node (".sagent-probe-s0")
     */
    public Ocfs2Check(Path mount, String cluster, Path mountTable, Path configfs, String probeName) {
        this.mount = mount;
        this.cluster = cluster;
        this.mountTable = mountTable;
        this.configfs = configfs;
        this.probeName = probeName;
    }

    @Override
    public String name() {
        return "ocfs2";
    }

    @Override
    public CheckOutcome check() throws IOException {
        Ocfs2MountVerdict mounted = Ocfs2MountVerdict.judge(MountTableParser.parse(Files.readString(mountTable)), mount);
        if (!mounted.healthy()) {
            return CheckOutcome.fail(mounted.reason());
        }
        O2cbClusterCheck.State online = O2cbClusterCheck.read(configfs, cluster);
        if (!online.online()) {
            return CheckOutcome.fail(online.reason());
        }
        long start = System.nanoTime();
        Path probe = mount.resolve(probeName);
        try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(("sagent write probe " + System.currentTimeMillis() + "\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        } catch (IOException e) {
            return CheckOutcome.fail("cannot write " + probe + ": " + e.getMessage());
        } finally {
            // Never leave a probe file behind, whatever happened to the write.
            Files.deleteIfExists(probe);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return CheckOutcome.pass(mounted.reason() + "; " + online.reason() + "; write+fsync+delete took " + millis + " ms");
    }
}
