package org.sagent.agent.systemd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.sagent.netlink.LibCConstants;
import org.sagent.netlink.NativeSocket;
import org.sagent.netlink.NetlinkException;

/**
 * sd_notify(3) without libsystemd: one datagram to the Unix socket named by
 * {@code $NOTIFY_SOCKET} ("@" starts an abstract name). Java's own Unix sockets are stream
 * only, so the datagram goes through the same small JNA socket binding as netlink.
 * Without {@code NOTIFY_SOCKET} (not started by systemd) every call does nothing.
 */
public final class SystemdNotifier {

    private static final int SUN_PATH = 108;

    private final Optional<byte[]> address;

    private SystemdNotifier(Optional<byte[]> address) {
        this.address = address;
    }

    public static SystemdNotifier fromEnvironment() {
        return forSocket(System.getenv("NOTIFY_SOCKET"));
    }

    /** For the socket at {@code path} (or none when null or blank). */
    public static SystemdNotifier forSocket(String path) {
        if (path == null || path.isBlank()) {
            return new SystemdNotifier(Optional.empty());
        }
        return new SystemdNotifier(Optional.of(sockaddrUn(path)));
    }

    static byte[] sockaddrUn(String path) {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH) {
            throw new IllegalArgumentException("NOTIFY_SOCKET path too long: " + path);
        }
        if (name[0] == '@') {
            name[0] = 0; // abstract namespace: the name starts with a NUL byte and is not terminated
            return ByteBuffer.allocate(2 + name.length).order(ByteOrder.nativeOrder())
                    .putShort((short) LibCConstants.AF_UNIX).put(name).array();
        }
        return ByteBuffer.allocate(2 + name.length + 1).order(ByteOrder.nativeOrder())
                .putShort((short) LibCConstants.AF_UNIX).put(name).put((byte) 0).array();
    }

    public boolean enabled() {
        return address.isPresent();
    }

    /** Sends "KEY=VALUE" lines; returns false (never throws) when systemd cannot be told. */
    public boolean notify(String state) {
        if (address.isEmpty()) {
            return false;
        }
        byte[] message = state.getBytes(StandardCharsets.UTF_8);
        try (NativeSocket socket = NativeSocket.open(LibCConstants.AF_UNIX, LibCConstants.SOCK_DGRAM, 0,
                "sd_notify socket")) {
            socket.send(message, message.length, address.get(), "notifying systemd");
            return true;
        } catch (NetlinkException e) {
            return false;
        }
    }

    public boolean ready(String status) {
        return notify("READY=1\nSTATUS=" + oneLine(status));
    }

    public boolean status(String status) {
        return notify("STATUS=" + oneLine(status));
    }

    public boolean stopping(String status) {
        return notify("STOPPING=1\nSTATUS=" + oneLine(status));
    }

    public boolean watchdog() {
        return notify("WATCHDOG=1");
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ');
    }
}
